/* The program's own encounter questions (designed by supervisors in the admin, apps/questions): drawn
   inside the encounter form from the version the tablet holds, checked here with no signal, and sent
   with that version's id as the encounter's `custom` ({version, answers}). A draft keeps the version
   it was started with, so a newer version arriving meanwhile never changes what it asks; the server
   checks the answers against that same version and keeps them with it. */
import { formatList } from "../common/format.js";
import { gettext, interpolate, pageLanguage } from "../common/i18n.js";
import { esc, state } from "./state.js";

const YES_NO = [["yes", () => gettext("Yes")], ["no", () => gettext("No")]];

/** The version a new form answers: the last one published, as the bootstrap brought it. */
export function currentQuestions() {
  return (state.boot && state.boot.encounter_form) || null;
}

/** What a new or reopened form holds: the version and its questions, and answers (kept only when the
    encounter was answered under this same version; nothing is carried over from another). */
export function startAnswers(form, previous) {
  const current = currentQuestions();
  if (!current) return;
  form.customForm = current;
  const same = previous && previous.version === current.id;
  form.custom = { version: current.id, answers: same ? { ...(previous.answers || {}) } : {} };
}

const words = (text) => {
  const language = (pageLanguage() || "en").slice(0, 2);
  return (text && (text[language] || text.en)) || "";
};

const empty = (value) => value === undefined || value === null || value === "" || (Array.isArray(value) && !value.length);

function answerWords(question, value) {
  if (empty(value)) return [];
  if (question.kind === "yes_no") return [value ? "yes" : "no"];
  if (question.kind === "choices") return value.map(String);
  return [String(value)];
}

/** The questions asked, in order: the call's type and earlier answers decide (as the server does). */
export function askedQuestions(form) {
  const definition = form && form.customForm;
  if (!definition || !form.custom) return [];
  const assignment = ((state.boot && state.boot.assignments) || []).find((a) => String(a.id) === String(form.assignment));
  const callType = (assignment && assignment.incident_detail && assignment.incident_detail.call_type) || "";
  const answers = form.custom.answers;
  const asked = new Set();
  const shown = [];
  for (const q of definition.questions) {
    if (q.call_types.length && !q.call_types.includes(callType)) continue;
    if (q.show_if) {
      if (!asked.has(q.show_if.question)) continue;
      const earlier = definition.questions.find((e) => e.key === q.show_if.question);
      if (!answerWords(earlier, answers[earlier.key]).some((w) => q.show_if.answers.includes(w))) continue;
    }
    asked.add(q.key);
    shown.push(q);
  }
  return shown;
}

function problemOf(q, value) {
  if (empty(value)) return q.required ? gettext("This question needs an answer.") : "";
  if (q.kind === "number") {
    if (typeof value !== "number" || Number.isNaN(value)) return gettext("Give a number.");
    if (q.min !== null && value < q.min) return interpolate(gettext("At least %(min)s."), { min: q.min });
    if (q.max !== null && value > q.max) return interpolate(gettext("At most %(max)s."), { max: q.max });
  }
  if (q.kind === "date" && !/^\d{4}-\d{2}-\d{2}$/.test(value)) return gettext("Give a date as YYYY-MM-DD.");
  return "";
}

/** What the tablet will not send yet: {key: words}, for the questions asked. */
export function answerProblems(form) {
  const problems = {};
  for (const q of askedQuestions(form)) {
    const problem = problemOf(q, form.custom.answers[q.key]);
    if (problem) problems[q.key] = problem;
  }
  return problems;
}

/** The encounter's `custom`: the version, and the answers to the questions asked (a hidden one's
    earlier answer is not sent). Null when the form has no questions. */
export function customData(form) {
  if (!form || !form.customForm || !form.custom) return null;
  const answers = {};
  for (const q of askedQuestions(form)) {
    const value = form.custom.answers[q.key];
    if (!empty(value)) answers[q.key] = q.kind === "text" ? String(value).trim() : value;
  }
  return { version: form.custom.version, answers };
}

function control(q, value) {
  const id = `q-${q.key}`;
  if (q.kind === "yes_no" || q.kind === "choice") {
    const options = q.kind === "yes_no" ? YES_NO.map(([code, text]) => [code, text()]) : q.choices.map((c) => [c.value, words(c.label)]);
    const chosen = q.kind === "yes_no" ? answerWords(q, value)[0] : value;
    return `<div class="chips">${options.map(([code, text]) => `<button type="button" class="chip" data-action="q-pick" data-question="${esc(q.key)}" data-code="${esc(code)}" aria-pressed="${chosen === code}">${esc(text)}</button>`).join("")}</div>`;
  }
  if (q.kind === "choices") {
    const chosen = value || [];
    return `<div class="chips">${q.choices.map((c) => `<button type="button" class="chip" data-action="q-toggle" data-question="${esc(q.key)}" data-code="${esc(c.value)}" aria-pressed="${chosen.includes(c.value)}">${esc(words(c.label))}</button>`).join("")}</div>`;
  }
  const type = { number: "number", date: "date", text: "text" }[q.kind];
  const limits = q.kind === "number" ? `${q.min !== null ? ` min="${q.min}"` : ""}${q.max !== null ? ` max="${q.max}"` : ""} step="any" inputmode="decimal"` : q.kind === "text" ? ' maxlength="500"' : "";
  return `<input id="${id}" type="${type}" data-question="${esc(q.key)}" value="${esc(value ?? "")}"${limits} autocomplete="off">`;
}

/** The questions inside the encounter form, with what still needs an answer said beside each. */
export function questionsBlock(form) {
  const asked = askedQuestions(form);
  if (!asked.length) return "";
  const problems = form.customChecked ? answerProblems(form) : {};
  return `<fieldset class="program-questions" data-form-version="${esc(form.custom.version)}"><legend>${esc(gettext("Program questions"))}</legend>
    ${asked.map((q) => {
      const label = `${esc(words(q.label))}${q.required ? ` <span class="hint">${esc(gettext("(required)"))}</span>` : ""}`;
      const help = words(q.help) ? `<p class="hint">${esc(words(q.help))}</p>` : "";
      const problem = problems[q.key] ? `<p class="field-error" role="alert">${esc(problems[q.key])}</p>` : "";
      const head = ["number", "date", "text"].includes(q.kind) ? `<label for="q-${esc(q.key)}">${label}</label>` : `<p class="question-label">${label}</p>`;
      return `<div class="question" data-key="${esc(q.key)}">${head}${help}${control(q, form.custom.answers[q.key])}${problem}</div>`;
    }).join("")}
  </fieldset>`;
}

function questionOf(form, key) {
  return ((form.customForm && form.customForm.questions) || []).find((q) => q.key === key);
}

/** A tap on a question's chip: true when it was one (the caller saves the draft and redraws). */
export function questionTap(form, action, target) {
  if (!form || !form.custom || (action !== "q-pick" && action !== "q-toggle")) return false;
  const q = questionOf(form, target.dataset.question);
  if (!q) return false;
  const answers = form.custom.answers;
  const code = target.dataset.code;
  if (action === "q-toggle") {
    const chosen = answers[q.key] || [];
    answers[q.key] = chosen.includes(code) ? chosen.filter((c) => c !== code) : chosen.concat([code]);
  } else if (q.kind === "yes_no") {
    const value = code === "yes";
    answers[q.key] = answers[q.key] === value ? null : value;
  } else answers[q.key] = answers[q.key] === code ? null : code;
  return true;
}

/** Typing in a number, date or text question: true when `el` was one. */
export function questionTyped(form, el) {
  if (!form || !form.custom || !el.dataset || !el.dataset.question) return false;
  const q = questionOf(form, el.dataset.question);
  if (!q) return false;
  const raw = el.value;
  form.custom.answers[q.key] = q.kind === "number" ? (raw === "" ? null : Number(raw)) : raw;
  return true;
}

/** An encounter's answers as rows of its summary (<dt>/<dd>), when the tablet holds the version they
    answered; an answer to another version is the server's to show, not guessed here. */
export function answerRows(custom) {
  const definition = currentQuestions();
  if (!custom || !definition || custom.version !== definition.id) return "";
  return definition.questions.filter((q) => !empty((custom.answers || {})[q.key])).map((q) => {
    const value = custom.answers[q.key];
    let shown = String(value);
    if (q.kind === "yes_no") shown = value ? gettext("Yes") : gettext("No");
    else if (q.kind === "choice" || q.kind === "choices") {
      shown = formatList([].concat(value).map((v) => words((q.choices.find((c) => c.value === v) || { label: { en: v } }).label)));
    }
    return `<dt>${esc(words(q.label))}</dt><dd>${esc(shown)}</dd>`;
  }).join("");
}
