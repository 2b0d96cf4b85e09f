import { css } from 'lit';

/** The fold-out boxes under the camera (paste box, recent check-ins) look and behave alike. */
export const detailsStyles = css`
  :host {
    display: block;
    font-size: 18px;
  }
  details {
    border: 2px solid var(--box-border);
    border-radius: 10px;
    padding: 8px 12px;
    background: var(--white);
  }
  summary {
    cursor: pointer;
    font-weight: 700;
    min-height: 32px;
    display: list-item;
  }
  summary:focus-visible {
    outline: 4px solid var(--action);
    outline-offset: 2px;
  }
`;
