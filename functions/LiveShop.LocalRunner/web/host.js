// The host console: go live / end, pin and unpin from the showcase, flash sales, and the live stats.
"use strict";

(() => {
  const { api, el, countdown, skuLabel } = LiveShop;
  const $ = (id) => document.getElementById(id);
  const streamId = LiveShop.param("stream");
  const path = `/api/streams/${encodeURIComponent(streamId ?? "")}`;
  const state = { stream: null, sales: new Map(), connection: null };

  const say = (text) => { $("message").textContent = text; };

  async function act(work, done) {
    try {
      await work();
      if (done) say(done);
    } catch (error) {
      say(error.message);
    }
  }

  const renderStream = () => LiveShop.keepingFocus(drawStream);

  function drawStream() {
    const s = state.stream;
    $("title").textContent = s.title;
    $("state").textContent = s.status;
    $("state").className = `badge ${s.status}`;
    const pinned = s.showcase.find((p) => p.id === s.pin?.productId);
    $("pinned").textContent = pinned ? pinned.title : "nothing";
    $("go-live").disabled = s.status !== "scheduled";
    $("end").disabled = s.status !== "live";
    $("unpin").disabled = !s.pin;
    $("showcase").replaceChildren(...s.showcase.map((product) => el("li", { class: "product" },
      LiveShop.picture(product.imageUrls[0], product.title),
      el("div", {},
        el("p", { class: "pin-title" }, product.title, s.pin?.productId === product.id ? el("span", { class: "badge live" }, " pinned") : null),
        el("p", { class: "muted" }, product.skus.map((k) => `${skuLabel(k)} ${k.price.formatted}`).join(" · ")),
        el("button", { type: "button", disabled: s.status !== "live", "aria-label": `Pin ${product.title}`,
          onclick: () => act(() => api("POST", `${path}/pin`, { productId: product.id }).then(load), `Pinned ${product.title}.`) }, "Pin")))));
    const options = s.showcase.flatMap((p) => p.skus.map((k) =>
      el("option", { value: `${p.id}|${k.skuId}`, "data-price": k.price.amount, "data-currency": k.price.currency, "data-exponent": k.price.exponent },
        `${p.title} (${skuLabel(k)}), now ${k.price.formatted}`)));
    const chosen = $("sale-sku").value;
    $("sale-sku").replaceChildren(...options);
    if (chosen) $("sale-sku").value = chosen;
  }

  function renderSales() {
    $("sales").replaceChildren(...[...state.sales.values()].map((sale) => {
      const when = sale.state === "upcoming" ? `starts in ${countdown(sale.startsAt)}`
        : sale.state === "active" ? `ends in ${countdown(sale.endsAt)}`
          : `ended (${sale.endedReason})`;
      return el("li", { class: `sale ${sale.state}` },
        `${sale.productTitle ?? sale.productId}: ${sale.dealPrice.formatted}, ${sale.unitsLeft} left, ${when}`);
    }));
  }

  async function load() {
    state.stream = await api("GET", path);
    renderStream();
  }

  async function loadSales() {
    const view = await api("GET", `${path}/sales`);
    for (const sale of view.sales) state.sales.set(sale.id, { ...sale, saleId: sale.id });
    renderSales();
  }

  /** The start a second toward the middle of the allowed window, so the request's travel does not push it out. */
  const startOffset = (seconds) => (seconds * 1000) + (seconds <= 150 ? 1000 : -1000);

  async function createSale(event) {
    event.preventDefault();
    const option = $("sale-sku").selectedOptions[0];
    const [productId, skuId] = option.value.split("|");
    const exponent = Number(option.dataset.exponent);
    const minorUnits = Math.round(Number($("sale-price").value) * 10 ** exponent);
    await act(async () => {
      await api("POST", `${path}/sales`, {
        productId,
        skuId,
        dealPrice: { minorUnits, currency: option.dataset.currency },
        allotment: Number($("sale-allotment").value),
        perCustomerLimit: Number($("sale-limit").value),
        startsAt: new Date(Date.now() + startOffset(Number($("sale-start").value))).toISOString(),
        durationSeconds: Number($("sale-duration").value),
      });
      await loadSales();
    }, "Flash sale created.");
  }

  const handlers = {
    stats: (m) => {
      $("stat-viewers").textContent = m.viewers;
      $("stat-peak").textContent = m.peakViewers;
      $("stat-orders").textContent = m.paidOrders;
      $("stat-units").textContent = m.unitsSold;
      $("stat-gmv").textContent = m.gmv.formatted;
    },
    viewers: (m) => { $("stat-viewers").textContent = m.viewers; },
    saleChanged: (m) => {
      const known = state.sales.get(m.saleId) ?? {};
      state.sales.set(m.saleId, { ...known, ...m });
      renderSales();
    },
    streamState: () => load(),
    pinned: () => load(),
    unpinned: () => load(),
  };

  /** The form's bounds as the API document states them (the service's own limits), shown in the labels. */
  async function applyBounds() {
    const document_ = await api("GET", "/openapi/v1.json");
    const fields = document_.components.schemas.FlashSaleInput.properties;
    for (const input of document.querySelectorAll("[data-bounds]")) {
      const field = fields[input.dataset.bounds];
      const bounds = field["x-secondsAhead"] ?? field;
      input.min = bounds.minimum;
      input.max = bounds.maximum;
      document.querySelector(`[data-bounds-for="${input.id}"]`).textContent = `(${bounds.minimum}-${bounds.maximum})`;
    }
  }

  async function start() {
    if (!streamId) {
      $("title").textContent = "Open this page with ?stream=<stream id>";
      return;
    }
    await load();
    await loadSales();
    await applyBounds().catch(() => say("The API document is not available: the form's bounds are not shown."));
    $("go-live").addEventListener("click", () => act(() => api("POST", `${path}/start`).then(load), "You are live."));
    $("end").addEventListener("click", () => act(() => api("POST", `${path}/end`).then(load), "The stream has ended."));
    $("unpin").addEventListener("click", () => act(() => api("DELETE", `${path}/pin`).then(load), "Unpinned."));
    $("sale-form").addEventListener("submit", createSale);
    setInterval(renderSales, 1000);
    await LiveShop.signInPicker($("signin"), $("signin-status"), "merchant", async () => {
      if (state.connection) await state.connection.stop();
      state.connection = await LiveShop.connectLive(streamId, handlers);
    });
  }

  start().catch((error) => say(`Could not load the stream: ${error.message}`));
})();
