/**
 * How this project starts Chromium, for the browser tests and the scanning benchmark alike:
 * Debian's /usr/bin/chromium (puppeteer's own download fails on this network), headless, as root
 * without the sandbox, and with the background services off that otherwise stall on a closed
 * network. `PUPPETEER_EXECUTABLE_PATH` (or `CHROMIUM_PATH`) points elsewhere.
 */
export const CHROMIUM_PATH = process.env.PUPPETEER_EXECUTABLE_PATH || process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export function chromiumArgs(profileDir: string, opts: { fakeVideo?: string } = {}): string[] {
  const args = [
    '--no-sandbox',
    '--headless=new',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-quic',
    '--no-first-run',
    '--autoplay-policy=no-user-gesture-required',
    `--user-data-dir=${profileDir}`,
  ];
  if (opts.fakeVideo) {
    args.push(
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      `--use-file-for-fake-video-capture=${opts.fakeVideo}`,
    );
  }
  return args;
}
