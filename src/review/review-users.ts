import type { Db } from '../db/connect.ts';
import { decoyHash, hashPassword, verifyPassword } from './passwords.ts';

// Who may log in to the review page (issue 17): `npm run review -- users add|list|remove`.

export class ReviewUserRefused extends Error {
  override readonly name = 'ReviewUserRefused';
}

const NAME = /^[a-z0-9][a-z0-9._-]{0,39}$/;
export const MIN_PASSWORD = 10;

export function checkUserName(name: string): string {
  if (!NAME.test(name)) {
    throw new ReviewUserRefused(
      `'${name.slice(0, 40)}' is not a user name: use 1-40 lower-case letters, digits, '.', '_' or '-', e.g. sari`,
    );
  }
  return name;
}

export async function addReviewUser(db: Db, name: string, password: string): Promise<void> {
  checkUserName(name);
  if (password.length < MIN_PASSWORD) {
    throw new ReviewUserRefused(`The password is too short: use at least ${MIN_PASSWORD} characters.`);
  }
  const password_hash = await hashPassword(password);
  const added = await db
    .insertInto('review_users')
    .values({ name, password_hash })
    .onConflict((oc) => oc.column('name').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!added) {
    throw new ReviewUserRefused(`There is already a user '${name}'; remove it first to set a new password.`);
  }
}

export function listReviewUsers(db: Db): Promise<{ name: string; created_at: Date }[]> {
  return db.selectFrom('review_users').select(['name', 'created_at']).orderBy('name').execute();
}

export async function removeReviewUser(db: Db, name: string): Promise<void> {
  const gone = await db.deleteFrom('review_users').where('name', '=', name).executeTakeFirst();
  if (gone.numDeletedRows === 0n)
    throw new ReviewUserRefused(`There is no user '${name}' (see: npm run review -- users list).`);
}

export async function reviewUserCount(db: Db): Promise<number> {
  const row = await db
    .selectFrom('review_users')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The user's name when name and password match, else null (an unknown name costs a hash as well). */
export async function checkLogin(db: Db, name: string, password: string): Promise<string | null> {
  const user = await db
    .selectFrom('review_users')
    .select(['name', 'password_hash'])
    .where('name', '=', name)
    .executeTakeFirst();
  const ok = await verifyPassword(password, user?.password_hash ?? (await decoyHash()));
  return ok && user ? user.name : null;
}
