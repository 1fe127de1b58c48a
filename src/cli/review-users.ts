import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { Command } from 'commander';
import {
  addReviewUser,
  checkUserName,
  listReviewUsers,
  ReviewUserRefused,
  removeReviewUser,
} from '../review/review-users.ts';
import { config, printJson, UserError, withDatabase } from './run-command.ts';

/** Asks on the terminal without echoing what is typed. */
function askHidden(question: string): Promise<string> {
  let muted = false;
  const output = new Writable({
    write(chunk, _enc, done) {
      if (!muted) process.stderr.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  return new Promise((resolve) => {
    rl.question(question, (answer) => {
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    });
    muted = true;
  });
}

/** The password: typed twice on a terminal, or the first line of stdin (e.g. from a secrets manager). */
async function readPassword(): Promise<string> {
  if (process.stdin.isTTY) {
    const first = await askHidden('Password: ');
    const again = await askHidden('Password again: ');
    if (first !== again) throw new UserError('The two passwords differ; nothing was saved. Try again.');
    return first;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) chunks.push(chunk);
  return (Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '').trim();
}

async function refusalsToUser<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof ReviewUserRefused) throw new UserError(error.message);
    throw error;
  }
}

/** `review users add|list|remove`: who may log in to the review page. */
export function usersCommand(): Command {
  const users = new Command('users').description(
    'Who may log in to the review page (passwords kept only as scrypt hashes)',
  );
  users
    .command('add <name>')
    .description('Add a user; the password is asked on the terminal, or read from the first line of stdin')
    .action(async (name: string) => {
      await refusalsToUser(async () => {
        checkUserName(name);
        const password = await readPassword();
        await withDatabase(config(), ({ database }) => addReviewUser(database.db, name, password));
      });
      console.log(`User '${name}' added: they log in on the review page with this password.`);
    });
  users
    .command('list')
    .description('List the users')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const list = await withDatabase(config(), ({ database }) => listReviewUsers(database.db));
      if (opts.json)
        return printJson(list.map((u) => ({ name: u.name, created_at: u.created_at.toISOString() })));
      if (list.length === 0)
        console.log(
          'No users: npm run review prints a one-time token instead. Add one: npm run review -- users add NAME',
        );
      for (const u of list) console.log(`${u.name}\t(added ${u.created_at.toISOString().slice(0, 10)})`);
    });
  users
    .command('remove <name>')
    .description('Remove a user (their open sessions end when the review page restarts)')
    .action(async (name: string) => {
      await refusalsToUser(() =>
        withDatabase(config(), ({ database }) => removeReviewUser(database.db, name)),
      );
      console.log(`User '${name}' removed.`);
    });
  return users;
}
