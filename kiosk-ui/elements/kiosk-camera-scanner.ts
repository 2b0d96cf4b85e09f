import { Html5Qrcode } from 'html5-qrcode';
import { LitElement, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { scanEvent } from '../events.js';
import { translator, type Locale, type MessageKey } from '../i18n/index.js';
import { installBarcodeDetector } from '../scan/barcode-polyfill.js';
import { loadCameraId, pickCamera, saveCameraId, type CameraLike } from '../scan/camera-choice.js';
import { RecentScans } from '../scan/recent-scans.js';
import { SCAN_START_CONFIG, SCANNER_CONFIG } from '../scan/scanner-config.js';

type CameraState = 'starting' | 'running' | 'none' | 'denied' | 'failed';

let nextId = 0;

/**
 * html5-qrcode decodes a canvas the size of the *laid-out* region (clientWidth), so a narrow
 * column would downscale every frame before decoding. The region is laid out at this width and
 * shrunk with a CSS transform (which clientWidth ignores), so decoding sees full 640-px frames.
 */
export const DECODE_WIDTH = 640;

/**
 * Camera QR scanning with html5-qrcode, decoding through the ZXing-wasm BarcodeDetector.
 * Renders into light DOM: html5-qrcode finds its region with document.getElementById, which
 * cannot see into a shadow root. Starts when connected, releases the camera when removed, keeps
 * scanning after each verdict, and passes each card on once (RecentScans) as `kiosk-scan`.
 */
@customElement('kiosk-camera-scanner')
export class KioskCameraScanner extends LitElement {
  @property() locale: Locale = 'vi';

  @state() private camState: CameraState = 'starting';
  @state() private cameras: CameraLike[] = [];
  @state() private cameraId: string | undefined;
  @state() private torchSupported = false;
  @state() private torchOn = false;

  private readonly regionId = `kiosk-camera-region-${++nextId}`;
  private scanner: Html5Qrcode | undefined;
  private readonly recent = new RecentScans(4000);
  /** Bumped on every start/stop so a slow start that finishes after removal stops itself. */
  private generation = 0;
  private resizeObserver: ResizeObserver | undefined;

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.updateComplete.then(() => this.start());
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resizeObserver?.disconnect();
    this.resizeObserver = undefined;
    void this.stop();
  }

  protected override firstUpdated(): void {
    const frame = this.querySelector<HTMLElement>('.camera-frame');
    const region = this.querySelector<HTMLElement>('.camera-region');
    if (!frame || !region) return;
    const fit = () => {
      const w = frame.clientWidth;
      const h = frame.clientHeight;
      if (!w || !h) return;
      const scale = Math.min(w / DECODE_WIDTH, h / ((DECODE_WIDTH * 3) / 4));
      const dx = (w - DECODE_WIDTH * scale) / 2;
      region.style.transform = `translateX(${dx}px) scale(${scale})`;
    };
    this.resizeObserver = new ResizeObserver(fit);
    this.resizeObserver.observe(frame);
    fit();
  }

  /** Starts (or restarts) the camera; safe to call again after an error. */
  async start(cameraId?: string): Promise<void> {
    const gen = ++this.generation;
    await this.release();
    if (gen !== this.generation || !this.isConnected) return;
    this.camState = 'starting';
    this.torchSupported = false;
    this.torchOn = false;
    try {
      installBarcodeDetector();
      const cameras = await Html5Qrcode.getCameras();
      if (gen !== this.generation) return;
      this.cameras = cameras;
      const chosen = cameras.find((c) => c.id === cameraId) ?? pickCamera(cameras, loadCameraId());
      if (!chosen) {
        this.camState = 'none';
        return;
      }
      const scanner = new Html5Qrcode(this.regionId, SCANNER_CONFIG);
      this.scanner = scanner;
      // Benchmark marks (bench/scan-latency.ts): camera asked for, camera running, code read.
      performance.mark('bhyt:camera-start');
      await scanner.start(
        chosen.id,
        { ...SCAN_START_CONFIG },
        (text) => this.onDecoded(text),
        () => undefined, // "no QR in this frame": the normal case, many times a second
      );
      if (gen !== this.generation) {
        await this.release();
        return;
      }
      performance.mark('bhyt:camera-running');
      this.cameraId = chosen.id;
      saveCameraId(chosen.id);
      this.camState = 'running';
      this.detectTorch();
    } catch (err) {
      if (gen !== this.generation) return;
      await this.release();
      this.camState = classifyCameraError(err);
    }
  }

  /** Stops the camera (the light goes off) and forgets the scanner. */
  async stop(): Promise<void> {
    this.generation++;
    await this.release();
  }

  private async release(): Promise<void> {
    const s = this.scanner;
    this.scanner = undefined;
    if (!s) return;
    try {
      if (s.isScanning) await s.stop();
    } catch {
      // Already stopped.
    }
    try {
      s.clear();
    } catch {
      // Region already gone.
    }
  }

  private onDecoded(text: string): void {
    if (!text || !this.recent.accept(text, performance.now())) return;
    performance.mark('bhyt:camera-decoded');
    this.dispatchEvent(scanEvent({ text, source: 'camera' }));
  }

  private detectTorch(): void {
    try {
      this.torchSupported = this.scanner?.getRunningTrackCameraCapabilities().torchFeature().isSupported() ?? false;
    } catch {
      this.torchSupported = false;
    }
  }

  private async toggleTorch(): Promise<void> {
    const want = !this.torchOn;
    try {
      await this.scanner?.getRunningTrackCameraCapabilities().torchFeature().apply(want);
      this.torchOn = want;
    } catch {
      this.torchSupported = false;
    }
  }

  private switchCamera(): void {
    if (this.cameras.length < 2) return;
    const i = this.cameras.findIndex((c) => c.id === this.cameraId);
    const next = this.cameras[(i + 1) % this.cameras.length]!;
    saveCameraId(next.id);
    void this.start(next.id);
  }

  private chooseCamera(e: Event): void {
    const id = (e.target as HTMLSelectElement).value;
    saveCameraId(id);
    void this.start(id);
  }

  override render() {
    const t = translator(this.locale);
    const message: Partial<Record<CameraState, MessageKey>> = {
      starting: 'camera.starting',
      none: 'camera.none',
      denied: 'camera.denied',
      failed: 'camera.failed',
    };
    const msgKey = message[this.camState];
    const problem = this.camState === 'none' || this.camState === 'denied' || this.camState === 'failed';
    return html`
      <div class="camera-frame" data-camera-state=${this.camState}>
        <div id=${this.regionId} class="camera-region" role="img" aria-label=${t('camera.label')}></div>
        ${msgKey ? html`<p class="camera-message ${problem ? 'problem' : ''}" role=${problem ? 'alert' : 'status'}>${t(msgKey)}</p>` : nothing}
      </div>
      <div class="camera-controls">
        ${problem ? html`<button type="button" @click=${() => void this.start()}>${t('camera.retry')}</button>` : nothing}
        ${
          this.cameras.length > 1
            ? html`<button type="button" @click=${() => this.switchCamera()}>${t('camera.switch')}</button>
                <label class="camera-select"
                  ><span class="visually-hidden">${t('camera.choose')}</span>
                  <select @change=${(e: Event) => this.chooseCamera(e)} aria-label=${t('camera.choose')}>
                    ${this.cameras.map((c, i) => html`<option value=${c.id} ?selected=${c.id === this.cameraId}>${c.label || `${t('camera.choose')} ${i + 1}`}</option>`)}
                  </select></label
                >`
            : nothing
        }
        ${
          this.torchSupported
            ? html`<button type="button" aria-pressed=${this.torchOn ? 'true' : 'false'} @click=${() => void this.toggleTorch()}>
                ${this.torchOn ? t('camera.torchOff') : t('camera.torchOn')}
              </button>`
            : nothing
        }
      </div>
    `;
  }
}

/** getUserMedia / html5-qrcode errors → what to tell the receptionist. */
export function classifyCameraError(err: unknown): CameraState {
  const name = typeof err === 'object' && err !== null && 'name' in err ? String(err.name) : '';
  const text = String(err);
  if (name === 'NotAllowedError' || name === 'SecurityError' || /permission|notallowed/i.test(text)) return 'denied';
  if (name === 'NotFoundError' || name === 'OverconstrainedError' || /notfound|no camera|requested device not found/i.test(text))
    return 'none';
  return 'failed';
}

declare global {
  interface HTMLElementTagNameMap {
    'kiosk-camera-scanner': KioskCameraScanner;
  }
}
