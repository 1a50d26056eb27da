// A stand-in for the LiveChat Agent App, written from the protocol
// description in the project's reference notes: it loads the widget in an
// iframe and speaks the host side of the postMessage protocol.
//
//   ?widget=<url>        the widget page to load
//   &mode=trusted|plain  the connection (trusted: envelope + handshake)
//
// Everything the widget sends is kept in window.hostLog for the test to
// read; window.hostCall / window.hostSend send host events.
(function () {
  const MARKER = "@@livechat/postmessenger";
  const params = new URLSearchParams(location.search);
  const mode = params.get("mode") === "plain" ? "plain" : "trusted";
  const widgetUrl = new URL(params.get("widget"));
  widgetUrl.searchParams.set("plugin_id", "billing-widget-test");
  widgetUrl.searchParams.set("theme", "light");
  if (mode === "plain") widgetUrl.searchParams.set("connection", "plain");
  const widgetOrigin = widgetUrl.origin;

  const owner = "agent-app-host";
  const instance = "instance-" + Math.random().toString(36).slice(2);
  const log = [];
  window.hostLog = log;
  window.hostState = { mode, connected: false, handshakesSent: 0, answered: [] };
  let nextRequest = 0;

  const frame = document.createElement("iframe");
  frame.title = "Billing widget";
  frame.src = widgetUrl.href;
  document.body.appendChild(frame);

  const post = (message) => frame.contentWindow.postMessage(message, widgetOrigin);
  const envelope = (type, request, data) => ({ [MARKER]: true, owner, instance, type, request, data });

  window.addEventListener("message", (event) => {
    if (event.source !== frame.contentWindow) return;
    log.push({ origin: event.origin, data: event.data });
    const data = event.data;
    if (mode === "plain") return;
    if (!data || data[MARKER] !== true || data.owner !== owner || data.instance !== instance) return;
    if (data.type === "response" && data.request === null) {
      window.hostState.connected = true;
    } else if (data.type === "response") {
      window.hostState.answered.push(data.request);
    } else if (data.type === "call") {
      // Every call from the widget is answered.
      post(envelope("response", data.request, { error: false }));
    }
  });

  frame.addEventListener("load", () => {
    if (mode === "plain") return;
    // Up to six handshakes, 500 ms apart, until the widget answers.
    const timer = setInterval(() => {
      if (window.hostState.connected || window.hostState.handshakesSent >= 6) {
        clearInterval(timer);
        return;
      }
      window.hostState.handshakesSent += 1;
      post(envelope("handshake", null, {}));
    }, 500);
  });

  /** Sends a host event as a call; resolves to its request id. */
  window.hostCall = (eventName, eventData) => {
    const request = nextRequest++;
    const payload = { event_name: "livechat:" + eventName, event_data: eventData };
    post(envelope("call", request, { method: "handle", args: [payload] }));
    return request;
  };

  /** Plain mode: a raw host event. */
  window.hostSend = (eventName, eventData) => {
    post({ event_name: "livechat:" + eventName, event_data: eventData });
  };

  /** The same frames from somewhere else: a sibling frame of this page. */
  window.addSibling = (url) =>
    new Promise((resolve) => {
      const sibling = document.createElement("iframe");
      sibling.className = "sibling";
      sibling.src = url;
      sibling.addEventListener("load", () => resolve(sibling));
      document.body.appendChild(sibling);
    });

  window.hostEnvelope = { owner, instance, marker: MARKER };
})();
