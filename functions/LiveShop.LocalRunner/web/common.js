// What the viewer page and the host console share: the API over fetch (problem+json shown as its detail), the
// sign-in picker (the runner's development identities; a deployment signs in with its identity provider), the live
// connection with the official SignalR client (keeping, per kind of state, only the newest message), and formatting.
"use strict";

const LiveShop = (() => {
  const params = new URLSearchParams(location.search);
  let token = null;

  /** Calls the API; resolves to the JSON answer (null when empty), rejects with an Error whose message is the problem's detail. */
  async function api(method, path, body, headers = {}) {
    const init = { method, headers: { ...headers } };
    if (token) init.headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const response = await fetch(path, init);
    const text = await response.text();
    const json = text ? JSON.parse(text) : null;
    if (!response.ok) {
      const error = new Error(json?.detail || json?.title || `${response.status} ${response.statusText}`);
      error.status = response.status;
      error.problem = json;
      throw error;
    }
    return json;
  }

  /**
   * Fills the sign-in picker with the runner's development identities of the given role and signs in with the chosen
   * one (a token from POST /dev/token, kept in memory only). onChange(identity) runs after every sign-in or sign-out.
   */
  async function signInPicker(select, status, role, onChange) {
    let identities;
    try {
      identities = (await api("GET", "/dev/identities")).filter((i) => i.role === role);
    } catch {
      status.textContent = "Sign in with your identity provider (development sign-in is only in the local runner).";
      select.disabled = true;
      return;
    }
    for (const identity of identities) {
      const option = document.createElement("option");
      option.value = identity.subject;
      option.textContent = identity.label;
      select.append(option);
    }
    select.addEventListener("change", async () => {
      const identity = identities.find((i) => i.subject === select.value) ?? null;
      token = identity
        ? (await api("POST", "/dev/token", { role: identity.role, merchantId: identity.merchantId, subject: identity.subject })).token
        : null;
      await onChange(identity);
      status.textContent = identity ? `Signed in as ${identity.label}.` : "Not signed in.";
    });
    const wanted = params.get("as");
    if (wanted && identities.some((i) => i.subject === wanted)) {
      select.value = wanted;
      select.dispatchEvent(new Event("change"));
    }
  }

  /**
   * Connects to the stream's live messages (negotiate, then the service). handlers: { method: (message) => void }.
   * Messages older than the newest of their kind are dropped (delivery is at least once and may reorder).
   */
  async function connectLive(streamId, handlers, onState = showLiveState) {
    onState("connecting");
    const newest = new Map();
    const kindOf = (method, m) =>
      method === "pinned" || method === "unpinned" ? "pin"
        : method === "saleChanged" ? `sale:${m.saleId}`
          : method === "stockChanged" ? `stock:${m.productId}:${m.skuId}`
            : method === "checkout" ? `checkout:${m.checkoutId}`
              : method;
    const connection = new signalR.HubConnectionBuilder()
      .withUrl(`/api/streams/${encodeURIComponent(streamId)}`, { accessTokenFactory: () => token ?? "" })
      .withAutomaticReconnect()
      .configureLogging(signalR.LogLevel.Warning)
      .build();
    for (const [method, handle] of Object.entries(handlers)) {
      connection.on(method, (message) => {
        const kind = kindOf(method, message);
        if ((newest.get(kind) ?? -1) >= message.sequence) return;
        newest.set(kind, message.sequence);
        handle(message);
      });
    }
    connection.onreconnecting(() => onState?.("reconnecting"));
    connection.onreconnected(() => onState?.("connected"));
    connection.onclose(() => onState?.("disconnected"));
    await connection.start();
    onState?.("connected");
    return connection;
  }

  /** Shows the connection's state in the page's #live element. */
  function showLiveState(liveState) {
    const text = { connecting: "Connecting to live updates…", connected: "Live updates on", reconnecting: "Reconnecting…", disconnected: "Live updates off" };
    const element = document.getElementById("live");
    if (element) element.textContent = text[liveState];
  }

  /** m:ss until the given instant (0:00 when past). */
  function countdown(until) {
    const seconds = Math.max(0, Math.ceil((new Date(until).getTime() - Date.now()) / 1000));
    return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
  }

  /** A text node-safe element builder: el("p", { class: "x" }, "text", child). */
  function el(tag, attributes = {}, ...children) {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      if (value === false || value === null || value === undefined) continue;
      if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
      else element.setAttribute(name, value === true ? "" : value);
    }
    element.append(...children.filter((c) => c !== null && c !== undefined && c !== false));
    return element;
  }

  /**
   * Runs a re-render without losing the keyboard focus: the focused control is found again afterwards by its id,
   * aria-label or text, so a live update never throws a keyboard user back to the top of the page.
   */
  function keepingFocus(render) {
    const active = document.activeElement;
    const key = active && active !== document.body
      ? { id: active.id, label: active.getAttribute("aria-label"), text: active.textContent, tag: active.tagName }
      : null;
    render();
    if (!key || document.activeElement === active && document.contains(active)) return;
    const again = (key.id && document.getElementById(key.id))
      || (key.label && document.querySelector(`[aria-label="${CSS.escape(key.label)}"]`))
      || [...document.querySelectorAll(key.tag)].find((e) => e.textContent === key.text);
    again?.focus();
  }

  /** A product's image when it is served by this page's own origin; otherwise a placeholder with its initials. */
  function picture(url, title) {
    if (url && new URL(url, location.href).origin === location.origin) {
      return el("img", { src: url, alt: title, class: "thumb" });
    }
    const initials = title.split(/\s+/).map((w) => w[0]).join("").slice(0, 2).toUpperCase();
    return el("div", { class: "thumb placeholder", "aria-hidden": "true" }, initials);
  }

  const skuLabel = (sku) => Object.values(sku.attributes ?? {}).join(" / ") || sku.skuId;

  return { api, signInPicker, connectLive, countdown, el, picture, skuLabel, keepingFocus, param: (name) => params.get(name), signedIn: () => token !== null };
})();
