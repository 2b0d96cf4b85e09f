import { systemClock, systemRandom } from '../server/clock.js';
import { openKioskDatabase } from '../server/db/open-kiosk-db.js';
import { hashPassword } from '../server/users/password.js';
import { UserRepository } from '../server/users/user-repo.js';

/** Creates the receptionist `bench` with a random password in a kiosk data folder (before start). */
export async function createBenchReceptionist(dataDir: string): Promise<string> {
  const password = systemRandom.bytes(18).toString('base64url');
  const { db } = await openKioskDatabase(dataDir, Date.now());
  try {
    await new UserRepository(db, systemClock).create({
      username: 'bench',
      displayName: 'Bench Receptionist',
      cccd: '001090000001',
      role: 'receptionist',
      passwordHash: await hashPassword(password, systemRandom),
    });
  } finally {
    await db.close();
  }
  return password;
}
