import { chromium } from "playwright-core";
import { serve } from "../e2e/serve.mjs";
const dir = process.argv[2]; const rate = Number(process.argv[3] ?? 4);
const server = await serve(dir, { compress: true });
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox","--disable-gpu","--disable-quic","--no-first-run","--disable-background-networking","--disable-component-update","--disable-sync"] });
const context = await browser.newContext();
const page = await context.newPage();
const cdp = await context.newCDPSession(page);
await cdp.send("Emulation.setCPUThrottlingRate", { rate });
await browser.startTracing(page, { categories: ["devtools.timeline","v8","v8.wasm","blink.user_timing","disabled-by-default-v8.compile","loading","toplevel","__metadata"] });
await page.goto(server.url + "/");
await page.waitForFunction(() => performance.getEntriesByName("app-mounted").length > 0);
await page.waitForTimeout(200);
const ev = JSON.parse((await browser.stopTracing()).toString()).traceEvents;
const names = {}; for (const e of ev) if (e.name==="thread_name") names[e.pid+":"+e.tid]=e.args.name;
const mark = ev.find(e=>e.name==="app-mounted"); const mainKey = mark.pid+":"+mark.tid;
const nav = Math.min(...ev.filter(e=>e.name==="navigationStart").map(e=>e.ts));
const mount = mark.ts;
console.log("nav->mount", ((mount-nav)/1000).toFixed(1), "main thread", names[mainKey]);
// top-level X events on main thread
const mainEv = ev.filter(e=>e.pid+":"+e.tid===mainKey && e.ph==="X" && e.ts>=nav-1e5 && e.ts<mount).sort((a,b)=>a.ts-b.ts||b.dur-a.dur);
let end=-Infinity; const top=[];
for (const e of mainEv) { if (e.ts>=end) { top.push(e); end=e.ts+(e.dur||0);} }
for (const t of top) if ((t.dur||0)>3000) {
  const inner = mainEv.filter(e=>e!==t && e.ts>=t.ts && e.ts+e.dur<=t.ts+t.dur);
  const agg={}; for (const e of inner) agg[e.name]=(agg[e.name]||0)+e.dur;
  const tops = Object.entries(agg).sort((a,b)=>b[1]-a[1]).slice(0,6).map(([k,v])=>k+" "+(v/1000).toFixed(1)).join(" | ");
  console.log(((t.ts-nav)/1000).toFixed(1).padStart(7), (t.dur/1000).toFixed(1).padStart(7), t.name, "::", tops);
}
await browser.close(); await server.close();
