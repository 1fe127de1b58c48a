// The benchmarks' honesty about the machine: the share of CPU time this machine wanted and the hypervisor did not
// give it (steal, in /proc/stat) while a phase ran: other guests' work, and apparently the wake-up of an idle vCPU
// (README, Performance). On 2026-12-03 it was 24 % of this 2-core machine's time during a permission
// window at 500 req/s, which then had p99 26 ms against 8–12 ms on quieter days: a figure taken while much is
// stolen says more about the host than about tagih.
import { readFileSync } from 'node:fs';

interface CpuTimes {
  readonly busy: number;
  readonly steal: number;
  readonly total: number;
}

/** The machine's CPU counters (all cores), or null where /proc/stat cannot be read (not Linux). */
function cpuTimes(): CpuTimes | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    // cpu user nice system idle iowait irq softirq steal guest guest_nice (guest time is inside user)
    const [user, nice, system, idle, iowait, irq, softirq, steal] = line
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    const busy = user! + nice! + system! + irq! + softirq!;
    return { busy, steal: steal!, total: busy + idle! + iowait! + steal! };
  } catch {
    return null;
  }
}

/** Starts a meter; its result: the percentages of the machine's time since that were stolen and busy, or null. */
export function stealShare(): () => { readonly stolen: number; readonly busy: number } | null {
  const start = cpuTimes();
  return () => {
    const end = cpuTimes();
    if (start === null || end === null || end.total <= start.total) return null;
    const pct = (n: number) => Math.round((100 * n) / (end.total - start.total));
    return { stolen: pct(end.steal - start.steal), busy: pct(end.busy - start.busy) };
  };
}

/** Starts a meter; its result reads "CPU stolen by the host N %, busy M %" of the machine's time since. */
export function stealMeter(): () => string {
  const share = stealShare();
  return () => {
    const s = share();
    return s === null
      ? 'CPU steal not known (no /proc/stat)'
      : `CPU stolen by the host ${s.stolen} %, busy ${s.busy} %`;
  };
}
