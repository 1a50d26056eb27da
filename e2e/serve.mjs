// A static file server for the built app (dist/), with the single-page-app
// fallback Trunk's dev server also has: unknown paths get index.html, so
// direct navigation to /charges and reloads work. Loopback only.
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, resolve } from "node:path";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
};

async function isFile(path) {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * Serves `root` on 127.0.0.1 (port 0: any free one). Resolves to { url, close }.
 * `pageHeaders` are added to HTML pages (e.g. a Content-Security-Policy).
 */
export async function serve(root, { port = 0, pageHeaders = {} } = {}) {
  const base = resolve(root);
  if (!(await isFile(join(base, "index.html")))) {
    throw new Error(`${base}/index.html not found: build the app first (trunk build --release)`);
  }
  const requests = [];
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    requests.push(path);
    const wanted = normalize(join(base, path));
    let file = wanted.startsWith(base) && (await isFile(wanted)) ? wanted : null;
    // Only paths without a file extension are app routes; a missing asset is a 404.
    if (!file && !extname(path)) file = join(base, "index.html");
    if (!file) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    const body = await readFile(file);
    res
      .writeHead(200, {
        "content-type": TYPES[extname(file)] ?? "application/octet-stream",
        "cache-control": "no-store",
        ...(extname(file) === ".html" ? pageHeaders : {}),
      })
      .end(body);
  });
  await new Promise((ok) => server.listen(port, "127.0.0.1", ok));
  const { port: bound } = server.address();
  return {
    url: `http://127.0.0.1:${bound}`,
    requests,
    close: () => new Promise((ok) => server.close(ok)),
  };
}

// `node e2e/serve.mjs [dir] [port]` serves a build by hand.
if (import.meta.url === `file://${process.argv[1]}`) {
  const server = await serve(process.argv[2] ?? "dist", { port: Number(process.argv[3] ?? 8080) });
  console.log(`serving on ${server.url}`);
}
