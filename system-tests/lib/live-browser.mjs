// Debian chromium driven by playwright-core, signed in to one replica with the GitHub button (the stand-in's
// authorize page in the popup, as e2e/tests-production does), watching the page's signals websocket.
import { chromium } from 'playwright-core';

/**
 * Opens `base` in a fresh browser and signs in as `login`. Returns { browser, page, signalFrames, subscribed() }:
 * `signalFrames` collects every message the page receives on /api/signals as { at: Date.now(), data }.
 */
export async function signedInBrowser(base, login) {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-background-networking'],
  });
  try {
    const page = await browser.newPage();
    const signalFrames = [];
    const sockets = [];
    page.on('websocket', ws => {
      if (!ws.url().endsWith('/api/signals')) return;
      const socket = { ws, subscribed: false, closed: false };
      sockets.push(socket);
      ws.on('framesent', f => {
        if (String(f.payload).includes('"subscribe"')) socket.subscribed = true;
      });
      ws.on('framereceived', f =>
        signalFrames.push({ at: Date.now(), data: String(f.payload) }),
      );
      ws.on('close', () => {
        socket.closed = true;
      });
    });

    await page.goto(base);
    await page.getByText('Sign in using your GitHub account').waitFor();
    const popupOpened = page.waitForEvent('popup');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const popup = await popupOpened;
    await popup.getByLabel('Username or email address').fill(login);
    const closed = popup.waitForEvent('close');
    await popup.getByRole('button', { name: 'Authorize' }).click();
    await closed;
    await page
      .getByText('Sign in using your GitHub account')
      .waitFor({ state: 'hidden' });
    return {
      browser,
      page,
      signalFrames,
      /** True while the page holds an open signals websocket subscribed to a channel. */
      subscribed: () => sockets.some(s => s.subscribed && !s.closed),
    };
  } catch (e) {
    await browser.close();
    throw e;
  }
}
