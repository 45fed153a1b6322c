/* The feedback card a responder offers the person served after an encounter: a QR code and a short
   link to /f/<token>/, on screen, printed, or sent by text message.
   The tablet draws the token itself (100 random bits) and queues only its SHA-256 digest, so a card
   can be offered with no signal and the server never holds the token. The QR code is drawn here
   (static/vendor/qrcode-generator), offline too. Sending a text needs signal: the server sends it
   and forgets the number. */
import qrcode from "../vendor/qrcode-generator/qrcode.js";
import { refusalText } from "../common/api.js";
import { formatDateTime } from "../common/format.js";
import { gettext, interpolate, pageLanguage } from "../common/i18n.js";
import { api, kick, sync } from "./net.js";
import { $, esc, render, S, say, state } from "./state.js";

const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"; // Crockford's base32, lower case: no i, l, o, u
const DAY_MS = 86400000;

function drawToken() {
  // 256 is a multiple of 32, so the low five bits of a random byte are a fair draw from the alphabet.
  return Array.from(crypto.getRandomValues(new Uint8Array(20)), (b) => ALPHABET[b & 31]).join("");
}

async function digest(token) {
  const hash = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token));
  return Array.from(new Uint8Array(hash), (b) => b.toString(16).padStart(2, "0")).join("");
}

const cardKey = (encounterId) => `card:${encounterId}`;

export function cardLink(card, { grouped = false } = {}) {
  // Grouped in fives for a person typing it from a printed card; the page ignores the dashes.
  const token = grouped ? [0, 5, 10, 15].map((at) => card.token.slice(at, at + 5)).join("-") : card.token;
  return `${location.origin}/f/${token}/${card.language === "es" ? "?lang=es" : ""}`;
}

/** Offer a card for an encounter (once per encounter: the same card is shown again afterwards). */
export async function offerCard(encounterId) {
  let card = await S.get("cache", cardKey(encounterId));
  if (!card) {
    const token = drawToken();
    const days = (state.boot && state.boot.feedback_card_days) || 14;
    card = {
      id: S.uuid(), encounter: encounterId, token, language: pageLanguage().startsWith("es") ? "es" : "en",
      expires_at: new Date(Date.now() + days * DAY_MS).toISOString(),
    };
    await S.enqueue({ type: "feedback_card.issue", record: card.id, data: { encounter: encounterId, token_hash: await digest(token) } });
    await S.put("cache", card, cardKey(encounterId));
  }
  state.card = card;
  state.view = "card";
  say("");
  render();
  window.scrollTo(0, 0);
  await kick();
}

function qrSvg(text) {
  const code = qrcode(0, "M");
  code.addData(text);
  code.make();
  const count = code.getModuleCount();
  const quiet = 4;
  const size = count + quiet * 2;
  let path = "";
  for (let row = 0; row < count; row++) {
    for (let col = 0; col < count; col++) if (code.isDark(row, col)) path += `M${col + quiet},${row + quiet}h1v1h-1z`;
  }
  const label = gettext("QR code of the feedback link");
  return `<svg class="card-qr" viewBox="0 0 ${size} ${size}" role="img" aria-label="${esc(label)}" shape-rendering="crispEdges">
    <rect width="${size}" height="${size}" fill="#fff"/><path d="${path}" fill="#000"/></svg>`;
}

/** A language's own name, as the shell's language picker shows it (the server wrote those). */
function languageName(code) {
  const option = document.querySelector(`#fl-language option[value="${code}"]`);
  return option ? option.textContent : code;
}

export function viewCard() {
  const card = state.card;
  if (!card) return "";
  const until = interpolate(gettext("The link works once, until %(date)s."), { date: formatDateTime(card.expires_at) });
  const other = card.language === "es" ? "en" : "es";
  return `<section class="feedback-card" id="feedback-card" data-card="${esc(card.id)}">
      <h1>${esc(gettext("How did we do?"))}</h1>
      <p class="card-ask">${esc(gettext("Scan the code with your phone's camera, or type the link. Four short questions, under a minute, no name needed."))}</p>
      ${qrSvg(cardLink(card))}
      <p class="card-link" id="card-link">${esc(cardLink(card, { grouped: true }))}</p>
      <p class="hint">${esc(until)}</p>
    </section>
    <section class="card-tools no-print">
      <p>${esc(gettext("The page opens in:"))} <strong>${esc(languageName(card.language))}</strong>
        <button type="button" class="btn" data-action="card-language" data-code="${other}" lang="${other}">${esc(languageName(other))}</button></p>
      <form id="card-text-form" autocomplete="off">
        <label for="card-phone">${esc(gettext("Send the link by text message"))}</label>
        <input id="card-phone" name="phone" type="tel" inputmode="tel" maxlength="40">
        <p class="hint">${esc(gettext("The number is used to send this one message and is not kept."))}</p>
        <button type="submit" class="btn">${esc(gettext("Send text message"))}</button>
      </form>
    </section>`;
}

export function actionsCard() {
  return `<button type="button" class="btn btn-primary" data-action="card-print">${esc(gettext("Print card"))}</button>
    <button type="button" class="btn" data-action="card-done">${esc(gettext("Done"))}</button>`;
}

async function textCard(phone) {
  const card = state.card;
  if (!card) return;
  if (!phone.trim()) { say(gettext("Write the phone number first."), "error"); return; }
  if (!navigator.onLine) { say(gettext("A text message needs signal. Show the QR code or print the card instead."), "error"); return; }
  await sync(); // the card must reach the server before its link can be sent
  let answer;
  try {
    answer = await api(`/api/v1/field/feedback-cards/${card.id}/text/`, {
      method: "POST", body: { device: state.device, token: card.token, phone, language: card.language },
    });
  } catch (error) {
    say(gettext("A text message needs signal. Show the QR code or print the card instead."), "error");
    return;
  }
  if (answer.ok) {
    const input = $("#card-phone");
    if (input) input.value = "";
    say(gettext("Text message sent. The number was not kept."), "ok");
  } else say(refusalText(answer.body, gettext("The text message could not be sent.")), "error");
}

/** The card's buttons; true when the action was the card's. */
export async function cardAction(action, target) {
  if (action === "feedback-card") { await offerCard(target.dataset.id); return true; }
  if (!state.card) return false;
  if (action === "card-print") { window.print(); return true; }
  if (action === "card-done") { state.card = null; state.view = state.selected ? "call" : "calls"; say(""); render(); return true; }
  if (action === "card-language") {
    state.card = { ...state.card, language: target.dataset.code };
    await S.put("cache", state.card, cardKey(state.card.encounter));
    render();
    return true;
  }
  return false;
}

export async function cardSubmit(event) {
  if (event.target.id !== "card-text-form") return false;
  event.preventDefault();
  await textCard(event.target.phone.value);
  return true;
}
