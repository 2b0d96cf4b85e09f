// The browser download fails on this network: tests use Debian's /usr/bin/chromium instead.
module.exports = { skipDownload: true };
