import fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// The flags keep headless Chromium off the network it would otherwise probe at start-up.
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];

/**
 * Real headless Chromium. A missing browser is a failure, never a skip: in CI (CI=true) and
 * everywhere else the suite fails with the one line that fixes it.
 */
export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    const where = process.env.CI === 'true' ? 'CI must install it' : 'install it';
    throw new Error(
      `Chromium not found at ${CHROMIUM}; ${where}: sudo apt-get install -y chromium`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
}
