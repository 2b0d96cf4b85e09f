import { describe, expect, it } from 'vitest';
import { loadCameraId, pickCamera, saveCameraId } from '../../../kiosk-ui/scan/camera-choice.js';

describe('camera choice', () => {
  const cams = [
    { id: 'front', label: 'Integrated Webcam' },
    { id: 'rear', label: 'Back Camera' },
  ];
  it('prefers the remembered camera, then a back camera, then the first', () => {
    expect(pickCamera(cams, 'front')?.id).toBe('front');
    expect(pickCamera(cams, 'gone')?.id).toBe('rear');
    expect(pickCamera([cams[0]!], undefined)?.id).toBe('front');
    expect(pickCamera([], 'front')).toBeUndefined();
  });
  it('stores only the camera id, and survives a storage that throws', () => {
    const map = new Map<string, string>();
    const storage = { getItem: (k: string) => map.get(k) ?? null, setItem: (k: string, v: string) => void map.set(k, v) };
    saveCameraId('rear', storage);
    expect(loadCameraId(storage)).toBe('rear');
    expect([...map.values()]).toEqual(['rear']);
    const broken = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('denied');
      },
    };
    expect(() => saveCameraId('x', broken)).not.toThrow();
    expect(loadCameraId(broken)).toBeUndefined();
  });
});
