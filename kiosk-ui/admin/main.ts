/** Entry of the admin page (/admin): the auditor page's office stylesheet plus the admin's few rules. */
import '../audit/audit.css';
import './admin.css';
import './admin-app.js';

const root = document.getElementById('admin-root');
if (root) root.replaceWith(document.createElement('admin-app'));
