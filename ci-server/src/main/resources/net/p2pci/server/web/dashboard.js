// The dashboard: follows the server's events (server-sent events at /events) and reads /api/* to show the index
// as it changes, without reloading. Everything a peer sent (hosts, titles) goes into the page as text, never markup.
"use strict";

const FEED_ENTRIES = 200;
const STATS_MILLIS = 1000;
// Other instances' changes reach this page through the shared database, not its feed: read it again this often.
const REFRESH_MILLIS = 5000;
// The tables are read again this long after an event, and not sooner than REFRESH_MIN_MILLIS after the last reading:
// under a flood of ADDs, a reading per batch of events would cost the index ten database reads a second that no one
// could follow on the screen.
const REFRESH_DELAY_MILLIS = 100;
const REFRESH_MIN_MILLIS = 1000;

const $ = (id) => document.getElementById(id);
let previousStats = null;
let refreshTimer = null;
let lastRefresh = 0;

function cell(text, className) {
  const td = document.createElement("td");
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

async function getJson(path) {
  const response = await fetch(path, { cache: "no-store" });
  if (!response.ok) throw new Error(path + ": " + response.status);
  return response.json();
}

function formatSince(iso) {
  const date = new Date(iso);
  return date.toLocaleTimeString([], { hour12: false }) + (Date.now() - date > 86400000 ? " " + date.toLocaleDateString() : "");
}

async function refreshPeers() {
  const answer = await getJson("/api/peers");
  document.body.classList.toggle("cluster", answer.cluster);
  $("instance").textContent = answer.instance ? "· instance " + answer.instance : "";
  const body = document.createElement("tbody");
  for (const peer of answer.peers) {
    const row = document.createElement("tr");
    row.dataset.peer = peer.host + ":" + peer.port;
    row.dataset.id = peer.id;
    row.append(cell(peer.host), cell(String(peer.port), "number"), cell(peer.source), cell(formatSince(peer.since)),
      cell(String(peer.records), "number"), cell(peer.instance || "", "instance-column"));
    body.append(row);
  }
  $("peers").tBodies[0].replaceWith(body);
  $("peers-count").textContent = "(" + answer.peers.length + (answer.truncated ? "+" : "") + ")";
  $("peers-empty").hidden = answer.peers.length > 0;
}

async function refreshRecords() {
  const params = new URLSearchParams();
  const rfc = $("filter-rfc").value.trim();
  const words = $("filter-words").value.trim();
  if (rfc) params.set("rfc", rfc);
  if (words) params.set("q", words);
  let answer;
  try {
    answer = await getJson("/api/records?" + params);
  } catch (error) {
    return; // a filter being typed (say, "0") is not worth an alarm
  }
  const body = document.createElement("tbody");
  for (const record of answer.records) {
    const row = document.createElement("tr");
    row.dataset.record = record.rfc + "@" + record.host + ":" + record.port;
    row.append(cell(String(record.rfc), "number"), cell(record.title, "title"), cell(record.host),
      cell(String(record.port), "number"));
    body.append(row);
  }
  $("records").tBodies[0].replaceWith(body);
  $("records-count").textContent = "(" + answer.records.length + (answer.truncated ? "+" : "") + ")";
  $("records-empty").hidden = answer.records.length > 0;
}

function refreshSoon() {
  if (refreshTimer) return;
  const delay = Math.max(REFRESH_DELAY_MILLIS, lastRefresh + REFRESH_MIN_MILLIS - Date.now());
  refreshTimer = setTimeout(() => {
    refreshTimer = null;
    lastRefresh = Date.now();
    refreshPeers().catch(showError);
    refreshRecords().catch(showError);
  }, delay);
}

async function refreshStats() {
  const stats = await getJson("/api/stats");
  $("stat-peers").textContent = stats.peers;
  $("stat-records").textContent = stats.records;
  $("stat-connections").textContent = stats.connectionsOpen;
  $("stat-refused").textContent = stats.connectionsRefused;
  for (const code of ["400", "404", "505"]) $("stat-" + code).textContent = stats.statuses[code];
  const rates = $("rates");
  rates.replaceChildren();
  for (const method of Object.keys(stats.requests)) {
    const total = Object.values(stats.requests[method]).reduce((a, b) => a + b, 0);
    let rate = 0;
    if (previousStats) {
      const before = Object.values(previousStats.requests[method]).reduce((a, b) => a + b, 0);
      rate = (total - before) * 1000 / Math.max(1, stats.time - previousStats.time);
    }
    const span = document.createElement("span");
    span.id = "rate-" + method;
    const value = document.createElement("b");
    value.textContent = rate < 10 ? rate.toFixed(1) : Math.round(rate);
    span.append(method + " ", value, "/s");
    rates.append(span);
  }
  previousStats = stats;
}

function describe(event) {
  const peer = event.host + ":" + event.port;
  switch (event.kind) {
    case "registered": return "Peer " + peer + " registered (from " + event.source + ")";
    case "added":
      // A peer that adds many RFCs at once is sent as one entry: how many, the first and the last.
      if (event.count > 1) {
        return "Peer " + peer + " added " + event.count + " RFCs: RFC " + event.rfc + " “" + event.title + "” … RFC "
          + event.lastRfc + " “" + event.lastTitle + "”";
      }
      return "RFC " + event.rfc + " “" + event.title + "” added by " + peer;
    case "removed": return "Peer " + peer + " removed: " + event.reason + " (" + event.records
      + (event.records === 1 ? " record)" : " records)");
    default: return event.kind + " " + peer;
  }
}

function addToFeed(event) {
  const feed = $("feed");
  const item = document.createElement("li");
  item.className = event.kind;
  item.dataset.seq = event.seq;
  item.dataset.kind = event.kind;
  item.dataset.peer = event.host + ":" + event.port;
  if (event.kind === "added") item.dataset.count = event.count || 1;
  const time = document.createElement("time");
  time.dateTime = event.time;
  time.textContent = new Date(event.time).toLocaleTimeString([], { hour12: false });
  item.append(time, describe(event));
  feed.prepend(item);
  while (feed.children.length > FEED_ENTRIES) feed.lastElementChild.remove();
}

function showError(error) {
  console.warn(error);
}

function follow() {
  const source = new EventSource("/events");
  source.onopen = () => { $("live").textContent = "live"; $("live").classList.add("on"); refreshSoon(); };
  source.onerror = () => { $("live").textContent = "reconnecting…"; $("live").classList.remove("on"); };
  source.addEventListener("index", (message) => {
    addToFeed(JSON.parse(message.data));
    refreshSoon();
  });
}

document.addEventListener("DOMContentLoaded", () => {
  $("filter").addEventListener("submit", (event) => event.preventDefault());
  $("filter").addEventListener("input", () => refreshRecords().catch(showError));
  follow();
  refreshSoon();
  refreshStats().catch(showError);
  setInterval(() => refreshStats().catch(showError), STATS_MILLIS);
  setInterval(refreshSoon, REFRESH_MILLIS);
});
