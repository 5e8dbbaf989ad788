/**
 * How every browser run here starts Debian's Chromium (no downloaded browser): the flags keep it
 * headless, sandbox-free for root, and silent on a machine with no network beyond loopback.
 */
export const chromiumLaunchOptions = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};
