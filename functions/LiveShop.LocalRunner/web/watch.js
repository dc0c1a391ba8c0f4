// The viewer page: the stream, its pin card and flash sale live, the showcase, the cart and checkout.
"use strict";

(() => {
  const { api, el, picture, countdown, skuLabel } = LiveShop;
  const $ = (id) => document.getElementById(id);
  const streamId = LiveShop.param("stream");
  const state = { stream: null, pin: null, sales: new Map(), stock: new Map(), connection: null, cart: null, checkoutId: null };

  const rejections = {
    sale_sold_out: "Sold out: the flash sale has no units left.",
    out_of_stock: "Sold out: not enough units left.",
    sale_limit_reached: "You have reached this sale's limit per customer.",
    payment_declined: "Your card was declined.",
    payment_unavailable: "Payments are unavailable; try again shortly.",
    expired: "The payment step was not completed in time.",
    cancelled: "The checkout was cancelled.",
  };

  const notice = (text) => {
    const time = new Date().toLocaleTimeString();
    $("notices").prepend(el("li", {}, el("time", {}, time), " ", text));
  };

  const findSku = (productId, skuId) => {
    const product = state.stream?.showcase.find((p) => p.id === productId);
    return { product, sku: product?.skus.find((s) => s.skuId === skuId) ?? product?.skus[0] };
  };

  const saleOf = (productId, skuId) =>
    [...state.sales.values()].find((s) => s.productId === productId && s.skuId === skuId && s.state !== "ended")
    ?? [...state.sales.values()].filter((s) => s.productId === productId && s.skuId === skuId).at(-1);

  const saleText = (sale) => {
    if (sale.state === "upcoming") return `Flash sale ${sale.dealPrice.formatted} starts in ${countdown(sale.startsAt)}`;
    if (sale.state === "active") return `Flash sale ${sale.dealPrice.formatted}: ends in ${countdown(sale.endsAt)}`;
    return sale.endedReason === "sold_out" ? "Flash sale sold out" : "Flash sale ended";
  };

  const renderPin = () => LiveShop.keepingFocus(drawPin);
  const renderShowcase = () => LiveShop.keepingFocus(drawShowcase);
  const renderCart = () => LiveShop.keepingFocus(drawCart);

  function drawPin() {
    const body = $("pin-body");
    const pin = state.pin;
    if (!pin) {
      body.replaceChildren(el("p", { class: "muted" }, "Nothing pinned right now."));
      return;
    }
    const sale = pin.sale;
    const active = sale?.state === "active" && sale.unitsLeft > 0;
    const price = active ? sale.dealPrice : pin.regularPrice;
    const available = state.stock.get(`${pin.productId}:${pin.skuId}`);
    const soldOut = (sale?.state === "ended" && sale.endedReason === "sold_out" && available === 0) || available === 0;
    body.replaceChildren(
      el("div", { class: "pin-card", "data-product": pin.productId },
        picture(pin.imageUrl, pin.title),
        el("div", {},
          el("p", { class: "pin-title" }, pin.title),
          el("p", { class: "price" }, el("span", { id: "pin-price" }, price.formatted),
            price.minorUnits !== pin.regularPrice.minorUnits ? el("s", { class: "muted" }, ` ${pin.regularPrice.formatted}`) : null),
          sale ? el("p", { id: "pin-sale", class: `sale ${sale.state}` }, saleText(sale)) : null,
          sale && sale.state !== "ended" ? el("p", { id: "pin-units" }, `${sale.unitsLeft} left at the sale price`) : null,
          soldOut ? el("p", { id: "pin-soldout", class: "soldout" }, "Sold out") : null,
          el("button", { type: "button", id: "pin-add", disabled: soldOut || !LiveShop.signedIn(), onclick: () => addToCart(pin.productId, pin.skuId) },
            LiveShop.signedIn() ? "Add to cart" : "Sign in to buy"))));
  }

  function drawShowcase() {
    const list = $("showcase");
    list.replaceChildren(...state.stream.showcase.map((product) => {
      const select = el("select", { id: `sku-${product.id}`, "aria-label": `Option for ${product.title}` },
        ...product.skus.map((sku) => el("option", { value: sku.skuId }, `${skuLabel(sku)}: ${sku.price.formatted}`)));
      const available = (sku) => state.stock.get(`${product.id}:${sku.skuId}`) ?? sku.stockOnHand;
      return el("li", { class: "product" },
        picture(product.imageUrls[0], product.title),
        el("div", {},
          el("p", { class: "pin-title" }, product.title,
            state.pin?.productId === product.id ? el("span", { class: "badge live" }, " pinned") : null),
          select,
          el("p", { class: "muted" }, product.skus.every((s) => available(s) === 0) ? "Sold out" : "In stock"),
          el("button", { type: "button", disabled: !LiveShop.signedIn(), "aria-label": `Add ${product.title} to cart`,
            onclick: () => addToCart(product.id, select.value) }, "Add to cart")));
    }));
  }

  function drawCart() {
    const cart = state.cart;
    const container = $("cart");
    if (!LiveShop.signedIn()) {
      container.replaceChildren(el("p", { class: "muted" }, "Sign in to shop."));
      $("checkout").hidden = true;
      return;
    }
    if (!cart || cart.lines.length === 0) {
      container.replaceChildren(el("p", { class: "muted" }, "Your cart is empty."));
      $("checkout").hidden = true;
      return;
    }
    const t = cart.totals;
    container.replaceChildren(
      el("ul", { class: "lines" }, ...cart.lines.map((line) => el("li", {},
        el("span", {}, `${line.title ?? line.productId} (${Object.values(line.attributes ?? {}).join(" / ")}) × ${line.quantity}`),
        el("span", { class: "amount" }, line.lineTotal?.formatted ?? "unavailable"),
        line.flashSale?.applied ? el("span", { class: "sale active" }, " flash sale price") : null,
        line.problem ? el("span", { class: "soldout" }, ` ${line.problem}`) : null,
        el("button", { type: "button", class: "secondary", "aria-label": `Remove ${line.title}`, onclick: () => removeLine(line.lineId) }, "Remove")))),
      el("dl", { class: "totals" },
        el("dt", {}, "Subtotal"), el("dd", {}, t.subtotal.formatted),
        t.discount.minorUnits > 0 ? el("dt", {}, "Discount") : null, t.discount.minorUnits > 0 ? el("dd", {}, `−${t.discount.formatted}`) : null,
        el("dt", {}, t.tax.name), el("dd", {}, t.tax.amount ? `${t.tax.amount.formatted} ${t.tax.treatment === "included" ? "(included)" : ""}` : "calculated at checkout"),
        el("dt", {}, "Total"), el("dd", { id: "cart-total" }, t.total.formatted)));
    $("checkout").hidden = false;
  }

  async function refreshCart() {
    state.cart = LiveShop.signedIn() ? await api("GET", `/api/carts/${state.stream.market}`) : null;
    renderCart();
  }

  async function addToCart(productId, skuId) {
    try {
      await api("POST", `/api/carts/${state.stream.market}/lines`,
        { merchantId: state.stream.merchantId, productId, skuId, quantity: 1, streamId });
      await refreshCart();
    } catch (error) {
      $("checkout-status").textContent = error.message;
    }
  }

  async function removeLine(lineId) {
    await api("DELETE", `/api/carts/${state.stream.market}/lines/${encodeURIComponent(lineId)}`);
    await refreshCart();
  }

  function showCheckout(checkout) {
    if (checkout.id !== state.checkoutId) return;
    const status = $("checkout-status");
    $("secure").hidden = checkout.status !== "awaiting_payment_action";
    $("secure").dataset.url = checkout.nextActionUrl ?? "";
    if (checkout.status === "paid") {
      status.textContent = `Paid. Order ${checkout.orderId}.`;
      refreshCart();
    } else if (checkout.status === "rejected") {
      const reason = checkout.rejection?.reason ?? checkout.reason;
      status.textContent = rejections[reason] ?? `Not paid: ${checkout.rejection?.detail ?? reason}`;
    } else if (checkout.status === "awaiting_payment_action") {
      status.textContent = "Confirm the payment with your bank (3-D Secure).";
    } else {
      status.textContent = "Processing your payment…";
    }
  }

  async function followCheckout(id) {
    for (let i = 0; i < 120 && state.checkoutId === id; i++) {
      const checkout = await api("GET", `/api/checkouts/${encodeURIComponent(id)}`);
      showCheckout(checkout);
      if (checkout.status === "paid" || checkout.status === "rejected") return;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  async function checkout(event) {
    event.preventDefault();
    const button = event.submitter;
    button.disabled = true;
    try {
      const started = await api("POST", "/api/checkouts",
        { market: state.stream.market, paymentMethod: $("card").value, fromCart: { merchantId: state.stream.merchantId } },
        { "Idempotency-Key": crypto.randomUUID() });
      state.checkoutId = started.id;
      showCheckout(started);
      await followCheckout(started.id);
    } catch (error) {
      $("checkout-status").textContent = error.message;
    } finally {
      button.disabled = false;
    }
  }

  async function completeSecure(outcome) {
    const url = $("secure").dataset.url;
    $("secure").hidden = true;
    await api("POST", `${url}${url.includes("?") ? "&" : "?"}outcome=${outcome}`);
  }

  const handlers = {
    pinned: (m) => {
      state.pin = m;
      if (m.sale) state.sales.set(m.sale.saleId, { ...m.sale, productId: m.productId, skuId: m.skuId });
      renderPin();
      renderShowcase();
    },
    unpinned: () => {
      state.pin = null;
      renderPin();
      renderShowcase();
    },
    saleChanged: (m) => {
      state.sales.set(m.saleId, m);
      if (state.pin && state.pin.productId === m.productId && state.pin.skuId === m.skuId) {
        state.pin.sale = m;
        renderPin();
      }
    },
    stockChanged: (m) => {
      state.stock.set(`${m.productId}:${m.skuId}`, m.available);
      if (state.pin?.productId === m.productId && state.pin.skuId === m.skuId) renderPin();
      renderShowcase();
    },
    viewers: (m) => { $("viewers").textContent = `${m.viewers} watching`; },
    streamState: (m) => {
      $("state").textContent = m.state;
      $("state").className = `badge ${m.state}`;
      notice(m.state === "live" ? "The stream is live." : "The stream has ended.");
    },
    checkout: (m) => {
      const text = m.status === "paid" ? "Your order is paid."
        : m.status === "awaiting_payment_action" ? "Your payment needs a 3-D Secure check."
          : rejections[m.reason] ?? `Your checkout was not paid (${m.reason}).`;
      notice(text);
      showCheckout({ id: m.checkoutId, status: m.status, reason: m.reason, orderId: m.orderId, nextActionUrl: m.nextActionUrl });
    },
  };

  async function connect() {
    if (state.connection) await state.connection.stop();
    state.connection = await LiveShop.connectLive(streamId, handlers);
  }

  /** The pin card as the REST reads give it (live messages then keep it current). */
  function pinFromRest() {
    const pin = state.stream.pin;
    if (!pin) return null;
    const { product, sku } = findSku(pin.productId, pin.skuId);
    if (!product || !sku) return null;
    const sale = saleOf(product.id, sku.skuId);
    return { productId: product.id, skuId: sku.skuId, title: product.title, imageUrl: product.imageUrls[0], regularPrice: sku.price, sale, sequence: 0 };
  }

  async function start() {
    if (!streamId) {
      $("title").textContent = "Open this page with ?stream=<stream id>";
      return;
    }
    state.stream = await api("GET", `/api/streams/${encodeURIComponent(streamId)}`);
    const sales = await api("GET", `/api/streams/${encodeURIComponent(streamId)}/sales`);
    for (const sale of sales.sales) state.sales.set(sale.id, { ...sale, saleId: sale.id });
    document.title = `LiveShop: ${state.stream.title}`;
    $("title").textContent = state.stream.title;
    $("state").textContent = state.stream.status;
    $("state").className = `badge ${state.stream.status}`;
    $("video").replaceChildren(state.stream.playbackUrl
      ? el("video", { controls: true, preload: "none", src: state.stream.playbackUrl, "aria-label": "Live video" })
      : el("p", { class: "muted" }, "No video for this stream."));
    state.pin = pinFromRest();
    renderPin();
    renderShowcase();
    $("checkout").addEventListener("submit", checkout);
    $("secure-approve").addEventListener("click", () => completeSecure("succeed"));
    $("secure-fail").addEventListener("click", () => completeSecure("fail"));
    setInterval(() => {
      const sale = state.pin?.sale;
      if (sale && sale.state !== "ended" && $("pin-sale")) $("pin-sale").textContent = saleText(sale);
    }, 1000);
    await connect();
    await LiveShop.signInPicker($("signin"), $("signin-status"), "viewer", async () => {
      await connect();
      renderPin();
      renderShowcase();
      await refreshCart();
    });
  }

  start().catch((error) => {
    $("title").textContent = `Could not load the stream: ${error.message}`;
  });
})();
