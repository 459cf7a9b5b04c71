// notus review: keyboard shortcuts and the few requests a page makes. No framework, no build step.
// Every POST carries the page's CSRF token; a verdict counts as saved only when the server answers 200
// (it has fsynced the line by then). Text from the data is only ever set with textContent.
"use strict";

const csrf = document.querySelector('meta[name="csrf-token"]').content;
const body = document.body;
const qs = body.dataset.qs;

function say(text, isError) {
  const el = document.getElementById("message");
  el.textContent = text;
  el.className = isError ? "error" : "";
}

async function post(url, payload) {
  const response = await fetch(url, {
    method: "POST", credentials: "same-origin",
    headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf},
    body: JSON.stringify(payload || {}),
  });
  if (!response.ok) {
    say(await response.text(), true);
    throw new Error("refused");
  }
  return response.json();
}

function confirmBox(text) {
  const dialog = document.getElementById("confirm");
  document.getElementById("confirm-text").textContent = text;
  return new Promise((resolve) => {
    const done = (answer) => { dialog.close(); resolve(answer); };
    document.getElementById("confirm-yes").onclick = () => done(true);
    document.getElementById("confirm-no").onclick = () => done(false);
    dialog.showModal();
    document.getElementById("confirm-yes").focus();
  });
}

async function undo() {
  try {
    const r = await post("/api/undo");
    say(`undone: ${r.undone} verdict(s)`);
    if (body.dataset.view === "record" && r.record_id !== null) {
      const ci = r.completion_index === null ? "" : `&ci=${r.completion_index}`;
      location.href = `/record/${r.record_id}?${qs}${ci}`;
    } else {
      location.reload();
    }
  } catch (e) { /* the message is shown */ }
}

async function rebuild() {
  try { await post("/api/rebuild"); } catch (e) { return; }
  const status = document.getElementById("rebuild-status");
  const poll = async () => {
    const r = await (await fetch("/api/rebuild", {credentials: "same-origin"})).json();
    const lines = (r.lines || []).join(" | ");
    status.textContent = `rebuild: ${r.state} step ${r.step}/${r.steps} ${lines}`;
    status.dataset.state = r.state;
    if (r.state === "running") { setTimeout(poll, 400); return; }
    if (r.state === "done") {
      status.textContent = `rebuild done: now on version ${r.version_id}`;
      setTimeout(() => location.reload(), 300);
    }
  };
  poll();
}

function typing(event) {
  const t = event.target;
  return t instanceof HTMLInputElement || t instanceof HTMLSelectElement || t instanceof HTMLTextAreaElement;
}

// ---- the queue page ---------------------------------------------------------------------------------
function queuePage() {
  const rows = Array.from(document.querySelectorAll("#items tbody tr"));
  let selected = -1;
  const select = (i) => {
    if (!rows.length) return;
    selected = Math.max(0, Math.min(rows.length - 1, i));
    rows.forEach((r, n) => r.classList.toggle("selected", n === selected));
    rows[selected].scrollIntoView({block: "nearest"});
  };
  const bulk = async (action) => {
    const filters = Object.fromEntries(new URLSearchParams(qs));
    const count = (await (await fetch(`/api/count?${qs}`, {credentials: "same-origin"})).json()).count;
    if (!(await confirmBox(`Mark all ${count} item(s) of this filter (every page) as ${action}?`))) return;
    try {
      const r = await post("/api/bulk", {action, filters, expected: count});
      say(`saved ${r.saved} verdict(s)`);
      location.reload();
    } catch (e) { /* shown */ }
  };
  // leave empty filters out of the URL, so it stays short enough to read and share
  document.getElementById("filters").addEventListener("submit", (event) => {
    event.target.querySelectorAll("input, select").forEach((el) => { if (el.value === "") el.disabled = true; });
  });
  document.querySelectorAll("[data-bulk]").forEach((b) => b.addEventListener("click", () => bulk(b.dataset.bulk)));
  document.addEventListener("keydown", (event) => {
    if (typing(event) || event.ctrlKey || event.metaKey || event.altKey) return;
    const keys = {
      j: () => select(selected + 1), k: () => select(selected - 1),
      Enter: () => { if (rows.length) location.href = rows[Math.max(selected, 0)].dataset.href; },
      "/": () => document.getElementById("search").focus(),
      D: () => bulk("completion_defective"), O: () => bulk("completion_ok"), X: () => bulk("drop_record"),
    };
    if (keys[event.key]) { event.preventDefault(); keys[event.key](); }
  });
}

// ---- the record page --------------------------------------------------------------------------------
function recordPage() {
  const record = Number(body.dataset.record);
  const cards = Array.from(document.querySelectorAll(".completion"));
  let focus = Number(body.dataset.focus);
  const pair = {chosen: null, rejected: null};
  const setFocus = (index) => {
    focus = index;
    cards.forEach((c) => c.classList.toggle("focus", Number(c.dataset.index) === index));
    document.getElementById("focused").textContent = String(index);
  };
  const next = () => {
    location.href = `/next?${qs}&from_record=${record}&from_ci=${body.dataset.ci}`;
  };
  const act = async (action) => {
    const payload = {action, record_id: record, note: document.getElementById("note").value};
    if (action === "set_pair") {
      if (pair.chosen === null || pair.rejected === null) { say("pick chosen (c) and rejected (r) first", true); return; }
      Object.assign(payload, {chosen_index: pair.chosen, rejected_index: pair.rejected});
    } else if (action !== "drop_record") {
      payload.completion_index = focus;
    }
    if (action === "set_score") {
      const raw = document.getElementById("score").value.trim();
      payload.score = raw === "" ? null : Number(raw);
    }
    try {
      await post("/api/verdict", payload);
      say("saved");
      next();
    } catch (e) { /* shown */ }
  };
  document.querySelectorAll("[data-action]").forEach((b) => b.addEventListener("click", () => act(b.dataset.action)));
  cards.forEach((c) => c.addEventListener("click", () => setFocus(Number(c.dataset.index))));
  const score = document.getElementById("score");
  const note = document.getElementById("note");
  score.addEventListener("keydown", (event) => {
    if (event.key === "Enter") { event.preventDefault(); act("set_score"); }
    if (event.key === "Escape") { event.preventDefault(); score.blur(); }
  });
  note.addEventListener("keydown", (event) => {
    if (event.key === "Escape" || event.key === "Enter") { event.preventDefault(); note.blur(); }
  });
  document.addEventListener("keydown", (event) => {
    if (typing(event) || event.ctrlKey || event.metaKey || event.altKey) return;
    if (/^[1-9]$/.test(event.key)) {
      const card = cards[Number(event.key) - 1];
      if (card) setFocus(Number(card.dataset.index));
      return;
    }
    const keys = {
      j: next, k: () => { location.href = document.getElementById("prev").getAttribute("href"); },
      d: () => act("completion_defective"), o: () => act("completion_ok"), x: () => act("drop_record"),
      s: () => score.focus(), n: () => note.focus(), p: () => act("set_pair"),
      c: () => { pair.chosen = focus; document.getElementById("pair-chosen").textContent = String(focus); },
      r: () => { pair.rejected = focus; document.getElementById("pair-rejected").textContent = String(focus); },
      Escape: () => { location.href = document.getElementById("back").getAttribute("href"); },
    };
    if (keys[event.key]) { event.preventDefault(); keys[event.key](); }
  });
}

document.addEventListener("keydown", (event) => {
  if (typing(event) || event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.key === "u") { event.preventDefault(); undo(); }
  if (event.key === "R") { event.preventDefault(); rebuild(); }
});
const rebuildButton = document.getElementById("rebuild");
if (rebuildButton) rebuildButton.addEventListener("click", rebuild);
if (body.dataset.view === "queue") queuePage();
if (body.dataset.view === "record") recordPage();
