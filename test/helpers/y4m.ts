/**
 * Y4M video for Chromium's fake camera (--use-file-for-fake-video-capture): a still image
 * repeated; Chromium loops the file. 4:2:0 with neutral chroma, luma in video range (16–235).
 */
import { writeFileSync } from 'node:fs';
import type { GreyImage } from './qr-matrix.js';

export function y4mFromGrey(img: GreyImage, frames = 20, fps = 10): Buffer {
  const { width, height } = img;
  if (width % 2 || height % 2) throw new Error('Y4M 4:2:0 needs even dimensions');
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F${fps}:1 Ip A1:1 C420jpeg\n`, 'ascii');
  const y = Buffer.alloc(width * height);
  for (let i = 0; i < y.length; i++) y[i] = 16 + Math.round((img.pixels[i]! * 219) / 255);
  const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128);
  const frameHeader = Buffer.from('FRAME\n', 'ascii');
  const parts: Buffer[] = [header];
  for (let f = 0; f < frames; f++) parts.push(frameHeader, y, chroma);
  return Buffer.concat(parts);
}

export function writeY4m(file: string, img: GreyImage, frames = 20): string {
  writeFileSync(file, y4mFromGrey(img, frames));
  return file;
}
