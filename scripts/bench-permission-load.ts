// bench api's load generator for GET /v1/customers/{code}/permission, in a process of its own: the latencies it
// measures are then not stretched by the benchmark process's own work (its pools, its heap after the file ingest).
// Arguments: base URL, gateway key, comma-separated customer codes, duration in seconds, and optionally the
// connections (default 10). Prints autocannon's result as JSON on its last line.
import autocannon from 'autocannon';

const [base, key, list, seconds, connections] = process.argv.slice(2);
const codes = list!.split(',');
let i = 0;
const result = await autocannon({
  url: base!,
  connections: Number(connections ?? 10),
  overallRate: 500,
  duration: Number(seconds),
  headers: { authorization: `Bearer ${key}` },
  requests: [
    { setupRequest: (req) => ({ ...req, path: `/v1/customers/${codes[i++ % codes.length]}/permission` }) },
  ],
});
console.log(JSON.stringify({ ok: result['2xx'], non2xx: result.non2xx, latency: result.latency }));
