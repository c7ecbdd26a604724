import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless','--no-sandbox','--disable-gpu'] });
const ctx = await b.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 844 } });
const page = await ctx.newPage();
const cdp = await ctx.newCDPSession(page);
const t = () => performance.now();
for (const path of ['/history', '/', '/nope', '/']) {
  await cdp.send('Emulation.setScriptExecutionDisabled', { value: true });
  let a = t(); await page.goto('http://127.0.0.1:4789' + path); const g = t() - a;
  a = t(); await page.screenshot({ path: '/tmp/pp-scratch/x.png', fullPage: true }); const s = t() - a;
  await cdp.send('Emulation.setScriptExecutionDisabled', { value: false });
  a = t(); await page.evaluate(new AxeBuilder({ page }).script()); const inj = t() - a;
  a = t(); await new AxeBuilder({ page }).withTags(['wcag2a','wcag2aa','wcag21a','wcag21aa','wcag22aa']).options({ resultTypes: ['violations'] }).setLegacyMode().analyze(); const ax = t() - a;
  console.log(path, { g, s, inj, ax });
}
await b.close();
