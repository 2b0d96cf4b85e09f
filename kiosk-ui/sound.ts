import type { Verdict } from '../server/wire/verification.js';

/**
 * One short, distinct cue per verdict (WebAudio, no audio files): accepted rises, needs_review
 * repeats a middle note, rejected is a low double buzz. Different in pitch *and* rhythm so they
 * are told apart without looking, and by people who cannot tell pitches apart.
 */
interface Tone {
  freq: number;
  start: number;
  dur: number;
  type: OscillatorType;
}

export const CUES: Readonly<Record<Verdict, readonly Tone[]>> = {
  accepted: [
    { freq: 660, start: 0, dur: 0.12, type: 'sine' },
    { freq: 990, start: 0.14, dur: 0.18, type: 'sine' },
  ],
  needs_review: [
    { freq: 520, start: 0, dur: 0.15, type: 'triangle' },
    { freq: 520, start: 0.25, dur: 0.15, type: 'triangle' },
    { freq: 520, start: 0.5, dur: 0.15, type: 'triangle' },
  ],
  rejected: [
    { freq: 180, start: 0, dur: 0.3, type: 'square' },
    { freq: 150, start: 0.38, dur: 0.4, type: 'square' },
  ],
};

export class SoundCues {
  private ctx: AudioContext | undefined;
  muted = false;

  play(verdict: Verdict): void {
    if (this.muted) return;
    try {
      this.ctx ??= new AudioContext();
      const ctx = this.ctx;
      // Autoplay policy: a context created before any user gesture starts suspended.
      if (ctx.state === 'suspended') void ctx.resume().catch(() => undefined);
      const t0 = ctx.currentTime + 0.02;
      for (const tone of CUES[verdict]) {
        const osc = ctx.createOscillator();
        const gain = ctx.createGain();
        osc.type = tone.type;
        osc.frequency.value = tone.freq;
        gain.gain.setValueAtTime(0.0001, t0 + tone.start);
        gain.gain.exponentialRampToValueAtTime(0.25, t0 + tone.start + 0.02);
        gain.gain.exponentialRampToValueAtTime(0.0001, t0 + tone.start + tone.dur);
        osc.connect(gain).connect(ctx.destination);
        osc.start(t0 + tone.start);
        osc.stop(t0 + tone.start + tone.dur + 0.02);
      }
    } catch {
      // No audio device (or blocked): the verdict is still on screen and announced.
    }
  }

  close(): void {
    void this.ctx?.close().catch(() => undefined);
    this.ctx = undefined;
  }
}
