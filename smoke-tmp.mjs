import { chromium } from 'playwright-core';
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless','--no-sandbox','--disable-gpu'] });
const ctx = await b.newContext({ viewport: { width: Number(process.argv[3] ?? 1280), height: 1000 } });
const p = await ctx.newPage();
p.on('pageerror', e => console.log('pageerror', e.message));
p.on('console', m => { if (m.type() === 'error' || m.type()==='warning') console.log('console', m.type(), m.text().slice(0,300)); });
await p.goto(process.argv[2]);
await p.waitForTimeout(3000);
const ids = (process.argv[4] ?? '').split(',').filter(Boolean);
let i = 0;
if (!ids.length) await p.screenshot({ path: `/tmp/shot-0.png` });
for (const id of ids) {
  await p.locator('#' + id).scrollIntoViewIfNeeded();
  await p.evaluate((id) => document.getElementById(id).scrollIntoView(), id);
  await p.waitForTimeout(300);
  await p.screenshot({ path: `/tmp/shot-${i++}.png` });
}
await b.close();
