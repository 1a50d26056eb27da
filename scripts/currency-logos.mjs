// Copies the currency logos the crypto checkout bundles from the npm package
// cryptocurrency-icons (CC0-1.0) into public/currencies/, named by Bidali's
// currency protocol. Only the currencies the widget knows are copied.
//
//   node scripts/currency-logos.mjs          copy (after `npm install`)
//   node scripts/currency-logos.mjs --check  fail if a copy differs
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const source = join(root, "node_modules", "cryptocurrency-icons", "svg", "color");
const target = join(root, "public", "currencies");

// Bidali protocol -> the package's file (by ticker); `generic` is the coin
// shown for currencies without a logo of their own.
export const LOGOS = {
  bitcoin: "btc",
  ethereum: "eth",
  dai: "dai",
  litecoin: "ltc",
  bitcoincash: "bch",
  generic: "generic",
};

const check = process.argv.includes("--check");
let differ = 0;
for (const [protocol, ticker] of Object.entries(LOGOS)) {
  const wanted = readFileSync(join(source, `${ticker}.svg`));
  const path = join(target, `${protocol}.svg`);
  if (check) {
    let have = null;
    try {
      have = readFileSync(path);
    } catch {}
    if (!have || !have.equals(wanted)) {
      console.error(`public/currencies/${protocol}.svg differs from cryptocurrency-icons ${ticker}.svg`);
      differ += 1;
    }
  } else {
    writeFileSync(path, wanted);
  }
}
if (check && differ > 0) {
  console.error("Run: node scripts/currency-logos.mjs");
  process.exit(1);
}
