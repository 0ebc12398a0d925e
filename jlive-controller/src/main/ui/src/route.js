// The page, service and change in the address's hash: #/page/service/change.

export function parseRoute() {
  const parts = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  return { page: parts[0] || 'services', service: parts[1] || null, change: parts[2] || null };
}

export function link(page, service, change) {
  return '#/' + [page, service, change].filter((part) => part).map(encodeURIComponent).join('/');
}
