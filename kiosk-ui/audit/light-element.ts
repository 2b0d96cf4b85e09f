import { LitElement } from 'lit';

/**
 * The auditor page's elements render into the light DOM: one stylesheet (audit.css) styles the
 * whole page, and tests and assistive tools see plain DOM.
 */
export class LightElement extends LitElement {
  protected override createRenderRoot(): HTMLElement {
    return this;
  }
}
