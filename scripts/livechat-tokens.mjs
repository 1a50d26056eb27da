#!/usr/bin/env node
// Writes style/livechat-tokens.css: LiveChat's colour design tokens, taken
// from the stylesheet of the npm package
// @livechat/design-system-react-components (ISC licence). Only the custom
// properties of the light block (`:root,.lc-light-theme`) and the dark block
// (`.lc-dark-theme`) are kept, and of those only the colour groups the widget
// builds on; the package's component styles are left out.
//
// Run by Trunk before each build (Trunk.toml, `pre_build` hook); run it by
// hand with `node scripts/livechat-tokens.mjs`. Exits 1 with a message when
// the package or its token blocks are missing.

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const PACKAGE = "@livechat/design-system-react-components";
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const packageDir = join(root, "node_modules", ...PACKAGE.split("/"));
const sourceCss = join(packageDir, "dist", "design-system-react-components.css");
const output = join(root, "style", "livechat-tokens.css");

// The tokens the widget builds on (style/main.css): page and card surfaces,
// text, borders, actions (buttons, links) and the status colours. The blocks
// hold 460 tokens each (icons, charts, AI gradients, component states);
// extend this list when the stylesheet needs another one.
const KEEP = [
  /^--background-0[13]$/,
  /^--surface-(primary|secondary|tertiary)-default$/,
  /^--surface-accent-emphasis-low-(info|negative|warning|positive)$/,
  /^--surface-accent-emphasis-high-warning$/,
  /^--content-basic-(primary|secondary|negative|warning|positive|info)$/,
  /^--content-invert-primary$/,
  /^--content-locked-default$/,
  /^--border-basic-(primary|secondary|negative|positive|info)$/,
  /^--action-(primary|negative|positive)-(default|hover)$/,
];

function fail(message) {
  console.error(`livechat-tokens: ${message}`);
  process.exit(1);
}

function read(path, what) {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    fail(
      `cannot read ${what} (${relative(root, path)}: ${error.code ?? error.message}).\n` +
        `  Install the npm tools first: npm ci (scripts/setup.sh build does it).`,
    );
  }
}

/** Selector lists compared without whitespace: `:root, .lc-light-theme`. */
const normalise = (selector) => selector.replace(/\s+/g, "");

/** The first top-level rule whose selector list is `selector`, or null. */
function findBlock(css, selector) {
  const wanted = normalise(selector);
  // Top-level rules only: skip @media and the like by tracking depth.
  let depth = 0;
  let start = 0;
  for (let i = 0; i < css.length; i++) {
    const c = css[i];
    if (c === "{") {
      if (depth === 0 && normalise(css.slice(start, i)) === wanted) {
        const end = css.indexOf("}", i);
        if (end < 0) return null;
        return css.slice(i + 1, end);
      }
      depth++;
    } else if (c === "}") {
      depth = Math.max(0, depth - 1);
      start = i + 1;
    } else if (c === ";" && depth === 0) {
      start = i + 1;
    }
  }
  return null;
}

/** The custom-property declarations of a block, in order, as [name, value]. */
function customProperties(block) {
  const declarations = [];
  // Values may hold parentheses with commas (gradients) but no semicolons.
  const re = /(--[A-Za-z0-9_-]+)\s*:\s*([^;]*)/g;
  for (const [, name, value] of block.matchAll(re)) {
    declarations.push([name, value.trim().replace(/\s+/g, " ")]);
  }
  return declarations;
}

const bytes = (text) => Buffer.byteLength(text, "utf8");
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

const pkg = JSON.parse(read(join(packageDir, "package.json"), `${PACKAGE}/package.json`));
const css = read(sourceCss, `${PACKAGE}'s stylesheet`);
if (pkg.license !== "ISC") {
  fail(`${PACKAGE}@${pkg.version} is licensed "${pkg.license}", not ISC: review it before using its tokens.`);
}

const lightBlock = findBlock(css, ":root,.lc-light-theme");
const darkBlock = findBlock(css, ".lc-dark-theme");
if (lightBlock === null || darkBlock === null) {
  fail(
    `${PACKAGE}@${pkg.version}: ${relative(root, sourceCss)} has no ` +
      `${lightBlock === null ? "`:root,.lc-light-theme`" : "`.lc-dark-theme`"} block; ` +
      `the package's token layout changed, update scripts/livechat-tokens.mjs.`,
  );
}

const light = customProperties(lightBlock);
const dark = customProperties(darkBlock);
const keep = ([name]) => KEEP.some((re) => re.test(name));
const lightKept = light.filter(keep);
const darkKept = dark.filter(keep);
if (lightKept.length === 0 || darkKept.length === 0) {
  fail(`${PACKAGE}@${pkg.version}: the token blocks hold none of the colour tokens the widget uses.`);
}
const darkNames = new Set(darkKept.map(([name]) => name));
const lightOnly = lightKept.filter(([name]) => !darkNames.has(name)).map(([name]) => name);
if (lightOnly.length > 0) {
  fail(`${PACKAGE}@${pkg.version}: no dark value for ${lightOnly.join(", ")}.`);
}

const body = (declarations) =>
  declarations.map(([name, value]) => `  ${name}: ${value};`).join("\n");

// The package switches themes with a class only. The widget also marks the
// theme with `data-theme` and follows the system's scheme when neither is
// set, so the dark values also apply to those cases.
const generated = `/* Generated by scripts/livechat-tokens.mjs from ${PACKAGE}@${pkg.version}
   (dist/design-system-react-components.css): the colour tokens of its light
   (:root,.lc-light-theme) and dark (.lc-dark-theme) blocks. Do not edit.

   ${PACKAGE} is LiveChat's, published under the ISC licence
   (package.json "license": "${pkg.license}"; the package names no author and
   ships no LICENSE file, so no copyright line is given). The licence:

   Permission to use, copy, modify, and/or distribute this software for any
   purpose with or without fee is hereby granted, provided that the above
   copyright notice and this permission notice appear in all copies.

   THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
   WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
   MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
   ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
   WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
   ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
   OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE. */

:root,
.lc-light-theme,
[data-theme="light"] {
${body(lightKept)}
}

.lc-dark-theme,
[data-theme="dark"] {
${body(darkKept)}
}

@media (prefers-color-scheme: dark) {
  :root:not(.lc-light-theme):not([data-theme="light"]) {
${body(darkKept).replace(/^/gm, "  ")}
  }
}
`;

// Written only when it changes, so `trunk serve` does not see a new file
// after every build and rebuild again.
const unchanged = existsSync(output) && readFileSync(output, "utf8") === generated;
if (!unchanged) writeFileSync(output, generated);
console.log(
  `livechat-tokens: ${relative(root, output)}${unchanged ? " (unchanged)" : ""} from ${PACKAGE}@${pkg.version}: ` +
    `${lightKept.length} of ${light.length} light and ${darkKept.length} of ${dark.length} dark tokens, ` +
    `blocks ${kb(bytes(lightBlock) + bytes(darkBlock))} -> ${kb(bytes(generated))} ` +
    `(stylesheet ${kb(bytes(css))})`,
);
