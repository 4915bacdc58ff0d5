import { mkdirSync } from 'node:fs';

/**
 * Whether another process holds the LevelDB folder. dynalite, handed a locked folder, fails later
 * with an uncaught "Database is closed", so `npm start` asks first and falls back to memory.
 */
export const dataDirInUse = async (dir: string): Promise<boolean> => {
  mkdirSync(dir, { recursive: true });
  // Loaded only when sessions are kept on disk: it is a native module.
  const { Level } = await import('level');
  const db = new Level(dir);
  try {
    await db.open();
    return false;
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    if (cause?.code === 'LEVEL_LOCKED') return true;
    throw error;
  } finally {
    await db.close();
  }
};
