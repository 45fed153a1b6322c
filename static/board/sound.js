/* The board's audible alerts: one AudioContext, opened by the dispatcher's first key or click
   (browsers allow sound only after a gesture), shared by the P1 alert and the emergency alarm. */
let audio = null;

function unlockAudio() {
  if (audio) return;
  try { audio = new (window.AudioContext || window.webkitAudioContext)(); } catch (e) { audio = null; }
}
document.addEventListener("pointerdown", unlockAudio, { once: true });
document.addEventListener("keydown", unlockAudio, { once: true });

/** Short square-wave tones at `frequency`, one at each offset (seconds). */
export function beep({ frequency = 880, offsets = [0, 0.35] } = {}) {
  if (!audio) unlockAudio();
  if (!audio) return;
  if (audio.state === "suspended") audio.resume();
  offsets.forEach((offset) => {
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.type = "square";
    osc.frequency.value = frequency;
    gain.gain.setValueAtTime(0.2, audio.currentTime + offset);
    gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + offset + 0.3);
    osc.connect(gain).connect(audio.destination);
    osc.start(audio.currentTime + offset);
    osc.stop(audio.currentTime + offset + 0.3);
  });
}
