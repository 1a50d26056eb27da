// The client side of RFC 6749 and RFC 7636, as small as it can be: builds
// the authorize request, checks the state on the way back, exchanges a code
// with its verifier, then asks /v2/info who signed in.
const CLIENT_ID = "another-app";
const redirectUri = `${location.origin}/callback`;
const result = document.getElementById("result");
const mock = new URLSearchParams(location.search).get("mock") ?? sessionStorage.getItem("mock");
if (mock) sessionStorage.setItem("mock", mock);

const b64url = (bytes) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

async function signIn(flow) {
  const state = b64url(crypto.getRandomValues(new Uint8Array(16))) + " +#%ł";
  sessionStorage.setItem("state", state);
  const params = new URLSearchParams({ client_id: CLIENT_ID, redirect_uri: redirectUri, state });
  if (flow === "code") {
    const verifier = b64url(crypto.getRandomValues(new Uint8Array(32)));
    sessionStorage.setItem("verifier", verifier);
    const challenge = b64url(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)));
    params.set("response_type", "code");
    params.set("code_challenge", challenge);
    params.set("code_challenge_method", "S256");
  } else {
    params.set("response_type", "token");
  }
  location.assign(`${mock}/mock/authorize?${params}`);
}

async function whoAmI(token) {
  const info = await fetch(`${mock}/v2/info`, { headers: { authorization: `Bearer ${token}` } });
  const body = await info.json();
  result.dataset.outcome = "signed-in";
  result.textContent = `Signed in as account ${body.account_id}`;
}

async function callback() {
  const query = new URLSearchParams(location.search);
  const fragment = new URLSearchParams(location.hash.slice(1));
  const answer = fragment.has("access_token") || fragment.has("error") ? fragment : query;
  if (!answer.has("state") && !answer.has("error")) return;
  history.replaceState(null, "", location.pathname);
  if (answer.get("state") !== sessionStorage.getItem("state")) {
    result.dataset.outcome = "bad-state";
    result.textContent = `The state came back changed: ${answer.get("state")}`;
    return;
  }
  if (answer.has("error")) {
    result.dataset.outcome = "error";
    result.textContent = `Refused: ${answer.get("error")}`;
    return;
  }
  if (answer.has("access_token")) return whoAmI(answer.get("access_token"));
  const token = await fetch(`${mock}/v2/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code: answer.get("code"),
      client_id: CLIENT_ID,
      redirect_uri: redirectUri,
      code_verifier: sessionStorage.getItem("verifier"),
    }),
  });
  const body = await token.json();
  if (!token.ok) {
    result.dataset.outcome = "error";
    result.textContent = `Token refused: ${body.error}`;
    return;
  }
  return whoAmI(body.access_token);
}

document.getElementById("implicit").addEventListener("click", () => signIn("implicit"));
document.getElementById("code").addEventListener("click", () => signIn("code"));
callback().catch((err) => {
  result.dataset.outcome = "error";
  result.textContent = String(err);
});
