/**
 * Kiosk screen entry. The BarcodeDetector polyfill is installed first, before any Html5Qrcode
 * exists (html5-qrcode decides on its decoder at construction).
 */
import { installBarcodeDetector } from './scan/barcode-polyfill.js';
import './styles.css';
import './elements/bhyt-kiosk-app.js';

installBarcodeDetector();
