// The peer's page: builds every row with textContent (titles and hosts come from other peers), follows the
// transcript and the downloads over server-sent events, and acts only through the peer's own API.
'use strict';

const MAX_LOG_LINES = 2000;
const SEARCH_DELAY_MS = 150;
/** Title words go to the index server as a SEARCH, which the transcript shows: once typing pauses, or on Enter. */
const TITLE_SEARCH_DELAY_MS = 700;
const PAGE_HEADER = { 'X-P2PCI-Page': '1' };

const $ = (id) => document.getElementById(id);
let own = new Set();
let self = '';
let searchTimer = null;
let ownTimer = null;
let indexRequests = 0;

function cell(row, text, className) {
  const td = document.createElement('td');
  td.textContent = String(text);
  if (className) td.className = className;
  row.appendChild(td);
  return td;
}

async function getJson(path, options) {
  const response = await fetch(path, Object.assign({ cache: 'no-store' }, options || {}));
  const body = await response.json();
  if (!response.ok) throw new Error(body.error || response.status);
  return body;
}

async function loadOwn() {
  const data = await getJson('/api/own');
  self = data.peer;
  $('self').textContent = '· ' + data.peer;
  $('where').textContent = 'Sharing ' + data.directory + ' · index ' + data.index
      + (data.connected ? '' : ' (reconnecting)');
  own = new Set(data.rfcs.map((rfc) => rfc.rfc));
  const body = $('own').tBodies[0];
  body.replaceChildren();
  for (const rfc of data.rfcs) {
    const row = document.createElement('tr');
    row.dataset.rfc = String(rfc.rfc);
    cell(row, rfc.rfc, 'number');
    cell(row, rfc.title, 'title');
    cell(row, rfc.file);
    body.appendChild(row);
  }
  $('own-count').textContent = '(' + data.count + ')';
  $('own-empty').hidden = data.rfcs.length > 0;
  renderIndexButtons();
}

function showIndex(data) {
  const body = $('index').tBodies[0];
  body.replaceChildren();
  for (const record of data.records) {
    const row = document.createElement('tr');
    row.dataset.record = record.rfc + '@' + record.holder;
    row.dataset.rfc = String(record.rfc);
    row.dataset.holder = record.holder;
    cell(row, record.rfc, 'number');
    cell(row, record.title, 'title');
    cell(row, record.holder);
    const td = document.createElement('td');
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'download';
    button.textContent = 'Download';
    button.addEventListener('click', () => download(record.rfc, record.holder, button));
    td.appendChild(button);
    row.appendChild(td);
    body.appendChild(row);
  }
  const note = $('search-note');
  if (data.through === 'SEARCH') {
    $('index-count').textContent = '(' + data.matched + ' found by SEARCH'
        + (data.truncated ? ', cut at the server\'s limit of ' + data.limit : '') + ')';
    note.textContent = 'Searched by the index server (SEARCH): whole title words, any case.';
  } else if (data.through === 'LIST') {
    $('index-count').textContent = '(' + data.matched + ' found in LIST)';
    note.textContent = 'The index server has no SEARCH extension: its LIST was filtered here, whole title words,'
        + ' any case.';
  } else {
    $('index-count').textContent = data.listed
        ? '(' + data.matched + ' of ' + data.total + ')' : '(no LIST yet)';
  }
  note.hidden = !data.through;
  $('index-empty').hidden = data.records.length > 0;
  renderIndexButtons();
}

function showPeers(data) {
  const body = $('peers').tBodies[0];
  body.replaceChildren();
  for (const peer of data.peers) {
    const row = document.createElement('tr');
    row.dataset.peer = peer.peer;
    cell(row, peer.peer);
    cell(row, peer.records, 'number');
    body.appendChild(row);
  }
  $('peers-count').textContent = data.offered ? '(' + data.count + ')' : '';
  $('peers-empty').textContent = data.offered ? 'No active peer.' : 'The index server has no PEERS extension.';
  $('peers-empty').hidden = data.peers.length > 0;
}

/** A record of this peer's own, or of an RFC it has, needs no download. */
function renderIndexButtons() {
  for (const row of $('index').tBodies[0].rows) {
    const button = row.querySelector('button.download');
    const mine = row.dataset.holder === self;
    const have = own.has(Number(row.dataset.rfc));
    button.disabled = mine || have;
    button.title = mine ? 'this peer' : have ? 'already here' : 'GET ' + row.dataset.rfc + ' ' + row.dataset.holder;
  }
}

/** Shows an index answer unless a later request has been sent meanwhile: answers may come out of order. */
async function askIndex(path, options) {
  const asked = ++indexRequests;
  const data = await getJson(path, options);
  if (asked === indexRequests) showIndex(data);
}

/** Whether the search field holds title words (sent as SEARCH) rather than nothing or RFC numbers (LIST filtered). */
function searchesTitles() {
  const text = $('search').value.trim();
  return /[\p{L}\p{N}]/u.test(text) && !/^[\d\s]+$/.test(text);
}

function searchIndex() {
  if (searchesTitles()) {
    const body = new URLSearchParams({ q: $('search').value });
    return askIndex('/api/search', { method: 'POST', headers: PAGE_HEADER, body })
        .catch((error) => appendLog('(page) search: ' + error.message));
  }
  return askIndex('/api/index?q=' + encodeURIComponent($('search').value));
}

async function listAgain() {
  const body = new URLSearchParams({ q: searchesTitles() ? '' : $('search').value });
  await askIndex('/api/list', { method: 'POST', headers: PAGE_HEADER, body });
  try {
    showPeers(await getJson('/api/peers', { method: 'POST', headers: PAGE_HEADER }));
  } catch (error) {
    appendLog('(page) peers: ' + error.message);
  }
  if (searchesTitles()) await searchIndex();
}

async function download(rfc, holder, button) {
  button.disabled = true;
  try {
    await getJson('/api/get', { method: 'POST', headers: PAGE_HEADER,
                                body: new URLSearchParams({ rfc: String(rfc), holder }) });
  } catch (error) {
    button.disabled = false;
    appendLog('(page) ' + error.message);
  }
}

function showDownloads(data) {
  const list = $('downloads');
  list.replaceChildren();
  for (const job of data.downloads) {
    const item = document.createElement('li');
    item.dataset.rfc = String(job.rfc);
    item.className = job.state;
    const name = document.createElement('span');
    name.textContent = 'RFC ' + job.rfc + ' from ' + job.holder
        + (job.sources > 1 ? ' and ' + (job.sources - 1) + ' more (ranges from each)' : '');
    const bar = document.createElement('progress');
    if (job.total !== null) {
      bar.max = Math.max(job.total, 1);
      bar.value = Math.min(job.received, bar.max);
    }
    if (job.state === 'failed') bar.value = 0;
    const figures = document.createElement('span');
    figures.className = 'figures';
    const state = document.createElement('b');
    state.className = 'state';
    state.textContent = job.state;
    figures.append(state, ' ' + job.received.toLocaleString() + (job.total !== null
        ? ' / ' + job.total.toLocaleString() : '') + ' bytes');
    item.append(name, bar, figures);
    list.appendChild(item);
  }
  $('downloads-empty').hidden = data.downloads.length > 0;
}

function appendLog(text) {
  const log = $('log');
  const atEnd = log.scrollTop + log.clientHeight >= log.scrollHeight - 4;
  log.appendChild(document.createTextNode(text + '\n'));
  while (log.childNodes.length > MAX_LOG_LINES) log.removeChild(log.firstChild);
  if (atEnd) log.scrollTop = log.scrollHeight;
}

function onLine(text) {
  appendLog(text);
  // What this peer shares changed: the documented lines of a registration (README, 'rfc-peer --help').
  if (/^\[Peer\] (Registering RFC|ADD RFC \d+: registered)/.test(text)) {
    clearTimeout(ownTimer);
    ownTimer = setTimeout(loadOwn, SEARCH_DELAY_MS);
  }
  // A LIST ran, typed or clicked: the index shown follows it, unless it shows a SEARCH's answer.
  if (/^\[Peer\] LIST: /.test(text) && !searchesTitles()) {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(searchIndex, SEARCH_DELAY_MS);
  }
}

function follow() {
  const events = new EventSource('/events');
  events.onopen = () => { $('live').textContent = 'live'; $('live').classList.add('on'); };
  events.onerror = () => { $('live').textContent = 'reconnecting…'; $('live').classList.remove('on'); };
  events.addEventListener('line', (event) => onLine(JSON.parse(event.data).text));
  events.addEventListener('downloads', (event) => showDownloads(JSON.parse(event.data)));
}

document.addEventListener('DOMContentLoaded', async () => {
  $('search-form').addEventListener('submit', (event) => {
    event.preventDefault();
    clearTimeout(searchTimer);
    searchIndex();
  });
  $('search').addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(searchIndex, searchesTitles() ? TITLE_SEARCH_DELAY_MS : SEARCH_DELAY_MS);
  });
  $('list').addEventListener('click', listAgain);
  follow();
  await loadOwn();
  await listAgain();
});
