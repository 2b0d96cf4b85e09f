/** Entry of the auditor page (/audit). */
import './audit.css';
import './audit-app.js';

const root = document.getElementById('audit-root');
if (root) root.replaceWith(document.createElement('audit-app'));
