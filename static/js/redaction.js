// The redaction page and the comparison page (issue #20; R.37). PDF pages are drawn with the
// bundled pdf.js (static/vendor/pdfjs-dist): no other host, no eval (isEvalSupported: false), no
// WebAssembly (useWasm: false, its JavaScript decoders instead), so the page keeps the site's
// Content-Security-Policy. Pages are drawn when they scroll into view.
//
// Edit mode: drag on a page to draw a box; each box gets a ground (R.14–R.16, M.6), chosen in the
// list beside the pages; the list is the form's data. Boxes are kept as fractions of the page as
// displayed (origin top left), which is what the server renders (disclosure/redaction.py).
// Compare mode: the original beside the released copy, page by page.

const roots = [...document.querySelectorAll("[data-redaction]")];
const config = roots[0].dataset;
const pdfjs = await import(config.pdfjs);
pdfjs.GlobalWorkerOptions.workerSrc = config.worker;

const text = JSON.parse(document.getElementById("redaction-text").textContent);

function openDocument(url) {
  return pdfjs.getDocument({
    url,
    isEvalSupported: false,
    useWasm: false,
    wasmUrl: config.wasm,
    cMapUrl: config.cmaps,
    cMapPacked: true,
    standardFontDataUrl: config.fonts,
    enableXfa: false,
  }).promise;
}

// A page holder sized like the page, drawn when it becomes visible.
function pageHolder(pdf, number, label) {
  const holder = document.createElement("div");
  holder.className = "rd-page";
  holder.dataset.page = String(number);
  const caption = document.createElement("p");
  caption.className = "rd-page-label";
  caption.textContent = label;
  const frame = document.createElement("div");
  frame.className = "rd-frame";
  const canvas = document.createElement("canvas");
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", label);
  frame.append(canvas);
  holder.append(caption, frame);
  holder.draw = async () => {
    if (holder.drawn) return;
    holder.drawn = true;
    const page = await pdf.getPage(number);
    const base = page.getViewport({ scale: 1 });
    const cssWidth = frame.clientWidth || base.width;
    const ratio = window.devicePixelRatio || 1;
    const viewport = page.getViewport({ scale: (cssWidth / base.width) * ratio });
    canvas.width = Math.floor(viewport.width);
    canvas.height = Math.floor(viewport.height);
    await page.render({ canvas, viewport }).promise;
    holder.classList.add("rd-drawn");
  };
  holder.sizeFrom = async () => {
    const page = await pdf.getPage(number);
    const base = page.getViewport({ scale: 1 });
    frame.style.aspectRatio = `${base.width} / ${base.height}`;
  };
  return { holder, frame };
}

const observer = new IntersectionObserver((entries) => {
  for (const entry of entries) {
    if (entry.isIntersecting) entry.target.draw();
  }
}, { rootMargin: "600px 0px" });

async function showPages(pdf, container, label, onPage) {
  for (let number = 1; number <= pdf.numPages; number += 1) {
    const { holder, frame } = pageHolder(pdf, number, label(number));
    container.append(holder);
    await holder.sizeFrom();
    if (onPage) onPage(number, frame);
    observer.observe(holder);
  }
}

function fmt(template, values) {
  return template.replace(/%\((\w+)\)s/g, (_, key) => String(values[key]));
}

// --- Edit mode -------------------------------------------------------------------------------------

function editor() {
  const listEl = document.getElementById("rd-boxes");
  const emptyEl = document.getElementById("rd-empty");
  const field = document.getElementById("id_boxes");
  const defaultGround = document.getElementById("rd-default-ground");
  const grounds = JSON.parse(document.getElementById("redaction-grounds").textContent);
  const frames = new Map();
  let boxes = [];
  let nextId = 1;

  function save() {
    field.value = JSON.stringify(boxes.map(({ page, x, y, w, h, ground }) => ({ page, x, y, w, h, ground })));
    emptyEl.hidden = boxes.length > 0;
  }

  function place(box) {
    const frame = frames.get(box.page);
    if (!frame) return;
    let el = frame.querySelector(`[data-box="${box.id}"]`);
    if (!el) {
      el = document.createElement("div");
      el.className = "rd-box";
      el.dataset.box = String(box.id);
      el.title = fmt(text.box, { n: box.id });
      const tag = document.createElement("span");
      tag.className = "rd-box-tag";
      tag.textContent = String(box.id);
      el.append(tag);
      frame.append(el);
    }
    el.style.left = `${box.x * 100}%`;
    el.style.top = `${box.y * 100}%`;
    el.style.width = `${box.w * 100}%`;
    el.style.height = `${box.h * 100}%`;
  }

  function renderList() {
    listEl.replaceChildren();
    for (const box of boxes) {
      const row = document.createElement("li");
      row.className = "rd-box-row";
      const name = document.createElement("span");
      name.className = "rd-box-name";
      name.textContent = fmt(text.boxOnPage, { n: box.id, page: box.page });
      const select = document.createElement("select");
      select.setAttribute("aria-label", fmt(text.groundOf, { n: box.id }));
      for (const [value, label] of grounds) {
        const option = new Option(label, value, false, value === box.ground);
        select.append(option);
      }
      select.addEventListener("change", () => { box.ground = select.value; save(); });
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "button rd-remove";
      remove.textContent = text.remove;
      remove.setAttribute("aria-label", fmt(text.removeBox, { n: box.id }));
      remove.addEventListener("click", () => {
        boxes = boxes.filter((b) => b !== box);
        frames.get(box.page)?.querySelector(`[data-box="${box.id}"]`)?.remove();
        renderList();
        save();
      });
      const show = document.createElement("button");
      show.type = "button";
      show.className = "button rd-show";
      show.textContent = text.show;
      show.addEventListener("click", () => {
        frames.get(box.page)?.scrollIntoView({ block: "center" });
      });
      row.append(name, select, show, remove);
      listEl.append(row);
    }
  }

  function add(box) {
    const entry = { id: nextId++, ground: defaultGround.value, ...box };
    boxes.push(entry);
    place(entry);
    renderList();
    save();
    return entry;
  }

  function enableDrawing(number, frame) {
    frames.set(number, frame);
    frame.classList.add("rd-drawable");
    let start = null;
    let ghost = null;
    const point = (event) => {
      const rect = frame.getBoundingClientRect();
      return {
        x: Math.min(1, Math.max(0, (event.clientX - rect.left) / rect.width)),
        y: Math.min(1, Math.max(0, (event.clientY - rect.top) / rect.height)),
      };
    };
    frame.addEventListener("pointerdown", (event) => {
      if (event.button !== 0 || event.target.closest(".rd-box")) return;
      event.preventDefault();
      frame.setPointerCapture(event.pointerId);
      start = point(event);
      ghost = document.createElement("div");
      ghost.className = "rd-box rd-ghost";
      frame.append(ghost);
    });
    frame.addEventListener("pointermove", (event) => {
      if (!start) return;
      const p = point(event);
      ghost.style.left = `${Math.min(start.x, p.x) * 100}%`;
      ghost.style.top = `${Math.min(start.y, p.y) * 100}%`;
      ghost.style.width = `${Math.abs(p.x - start.x) * 100}%`;
      ghost.style.height = `${Math.abs(p.y - start.y) * 100}%`;
    });
    const finish = (event) => {
      if (!start) return;
      const p = point(event);
      ghost.remove();
      const box = { page: number, x: Math.min(start.x, p.x), y: Math.min(start.y, p.y),
                    w: Math.abs(p.x - start.x), h: Math.abs(p.y - start.y) };
      start = null;
      if (box.w > 0.004 && box.h > 0.004) add(box);
    };
    frame.addEventListener("pointerup", finish);
    frame.addEventListener("pointercancel", () => { start = null; ghost?.remove(); });
    for (const box of boxes.filter((b) => b.page === number)) place(box);
  }

  return { enableDrawing, add, save };
}

async function edit(root) {
  const { enableDrawing, add, save } = editor();
  const status = root.querySelector(".rd-status");
  try {
    const pdf = await openDocument(root.dataset.source);
    status.textContent = fmt(text.loaded, { pages: pdf.numPages });
    for (const box of JSON.parse(document.getElementById("redaction-suggested").textContent)) {
      if (box.page <= pdf.numPages) add(box);
    }
    await showPages(pdf, document.getElementById("rd-pages"), (n) => fmt(text.page, { page: n }), enableDrawing);
    save();
    root.classList.add("rd-ready");
  } catch (error) {
    status.textContent = text.failed;
    status.classList.add("errornote");
  }
}

async function compare(root) {
  const status = root.querySelector(".rd-status");
  try {
    const [original, released] = await Promise.all([openDocument(root.dataset.original),
                                                     openDocument(root.dataset.released)]);
    status.textContent = fmt(text.loaded, { pages: released.numPages });
    await showPages(original, root.querySelector(".rd-original"), (n) => fmt(text.originalPage, { page: n }));
    await showPages(released, root.querySelector(".rd-released"), (n) => fmt(text.releasedPage, { page: n }));
    root.classList.add("rd-ready");
  } catch (error) {
    status.textContent = text.failed;
    status.classList.add("errornote");
  }
}

for (const root of roots) {
  if (root.dataset.redaction === "edit") edit(root);
  else compare(root);
}
