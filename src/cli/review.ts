import { Command } from 'commander';
import { lastFinishedMonth } from '../domain/period.ts';
import { startReviewServer } from '../review/review-server.ts';
import { loadReviewSettings } from '../review/review-settings.ts';
import { monthOption } from './options.ts';
import { usersCommand } from './review-users.ts';
import { config, runProgram, UserError, withDatabase } from './run-command.ts';

/** Resolves when the user stops the server (Ctrl+C, or a service manager's SIGTERM). */
function untilStopped(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
}

const program = new Command('review')
  .description(
    "Open the review page of a month's invoices: flags, PDFs, approve (sends the mail), hold, void",
  )
  .option('--month <YYYY-MM>', 'the month to review (default: the last finished month, WIB)')
  .option('--port <n>', 'port on 127.0.0.1 (default: TAGIH_REVIEW_PORT, 8417; 0 picks a free one)')
  .action(async (opts: { month?: string; port?: string }) => {
    const month = opts.month === undefined ? lastFinishedMonth(new Date()) : monthOption(opts.month);
    const cfg = config();
    const settings = loadReviewSettings();
    let port = cfg.reviewPort;
    if (opts.port !== undefined) {
      port = Number(opts.port);
      if (!/^\d+$/.test(opts.port) || port > 65535)
        throw new UserError(`--port '${opts.port}' is not a port; expected 0..65535, e.g. 8417`);
    }
    await withDatabase(cfg, async ({ database }) => {
      let server: Awaited<ReturnType<typeof startReviewServer>>;
      try {
        server = await startReviewServer(database, cfg, { port, month, settings });
      } catch (error) {
        if ((error as { code?: string }).code === 'EADDRINUSE') {
          throw new UserError(
            `Port ${port} on 127.0.0.1 is in use (another review page?). Stop it, or pick another: npm run review -- --port 0`,
          );
        }
        throw error;
      }
      console.log(`Review page for ${month}: ${server.url}`);
      if (server.url !== server.local)
        console.log(`Listening on ${server.local} (behind TAGIH_REVIEW_PUBLIC_URL).`);
      console.log(
        server.users
          ? 'Log in with your review user (npm run review -- users list).'
          : 'No review users yet: the address above carries a one-time token. Add users: npm run review -- users add NAME',
      );
      console.log(
        `Approvals are logged as the logged-in user${server.users ? '' : ` (with the token: ${cfg.operatorName}, TAGIH_OPERATOR)`}. Approving sends the mail${cfg.smtpUrl ? '' : ` as .eml files into ${cfg.outDir}/outbox (no SMTP_URL)`}.`,
      );
      console.log('Press Ctrl+C to stop.');
      await untilStopped();
      await server.close();
    });
  });

program.addCommand(usersCommand());

await runProgram(program);
