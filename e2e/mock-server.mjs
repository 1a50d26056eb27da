// Starts the native mock-server binary on a free loopback port, for
// journeys that prepare data the way an API client would.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";

const BIN = process.env.MOCK_SERVER_BIN ?? "target/debug/mock-server";

/**
 * Resolves to { url, token, request(method, path, body), close }; `args`
 * are more flags (`--client ID=URI`, ...).
 */
export async function startMockServer({ args = [] } = {}) {
  const child = spawn(BIN, ["--port", "0", "--seed", "1", ...args], { stdio: ["ignore", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout });
  const first = [];
  await new Promise((ok, fail) => {
    child.once("error", (err) => fail(new Error(`cannot start ${BIN}: ${err.message}`)));
    lines.on("line", (line) => {
      first.push(line);
      if (first.length === 2) ok();
    });
  });
  const url = first[0].replace("mock-server listening on ", "");
  const token = first[1].replace("developer token (all scopes): ", "");
  const request = async (method, path, body) => {
    const response = await fetch(url + path, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  };
  return { url, token, request, close: () => child.kill() };
}
