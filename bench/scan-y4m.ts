/**
 * Y4M for Chromium's fake camera (--use-file-for-fake-video-capture): one still grey frame
 * repeated (Chromium loops the file); 4:2:0, neutral chroma, luma in video range (16–235).
 */
import { writeFileSync } from 'node:fs';
import type { GreyFrame } from '../test-support/scan/scan-render.js';

export function writeStillY4m(file: string, img: GreyFrame, frames = 10, fps = 30): string {
  const { width, height } = img;
  if (width % 2 || height % 2) throw new Error('Y4M 4:2:0 needs even dimensions');
  const y = Buffer.alloc(width * height);
  for (let i = 0; i < y.length; i++) y[i] = 16 + Math.round((img.pixels[i]! * 219) / 255);
  const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128);
  const parts: Buffer[] = [Buffer.from(`YUV4MPEG2 W${width} H${height} F${fps}:1 Ip A1:1 C420jpeg\n`, 'ascii')];
  for (let f = 0; f < frames; f++) parts.push(Buffer.from('FRAME\n', 'ascii'), y, chroma);
  writeFileSync(file, Buffer.concat(parts));
  return file;
}
