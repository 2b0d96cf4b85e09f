/**
 * The chosen camera is the only thing the kiosk keeps in browser storage: a device id, nothing
 * personal. Storage can be unavailable (private mode, policy): then the choice is just not kept.
 */
const KEY = 'bhyt-kiosk.cameraId';

export interface CameraLike {
  id: string;
  label: string;
}

export function loadCameraId(storage: Pick<Storage, 'getItem'> | undefined = safeStorage()): string | undefined {
  try {
    return storage?.getItem(KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

export function saveCameraId(id: string, storage: Pick<Storage, 'setItem'> | undefined = safeStorage()): void {
  try {
    storage?.setItem(KEY, id);
  } catch {
    // Not kept; the default camera is used next time.
  }
}

/** The remembered camera if still present, else a back/rear camera, else the first. */
export function pickCamera(cameras: readonly CameraLike[], rememberedId: string | undefined): CameraLike | undefined {
  return cameras.find((c) => c.id === rememberedId) ?? cameras.find((c) => /back|rear|environment|sau/i.test(c.label)) ?? cameras[0];
}

function safeStorage(): Storage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined;
  }
}
