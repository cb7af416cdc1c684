// The processes of a running stack, read from /proc: lighttpd's FastCGI
// workers of one program, and how much memory a process holds.
import { readFileSync } from 'node:fs';

function children(pid) {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/)
      .filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function argv0(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0];
  } catch {
    return '';
  }
}

// Pids of the processes lighttpd runs for /cgi-bin/NAME (its build in
// cgi-bin/, or in libexec/ for a worker that may load libcurl), sorted.
export function workerPids(stack, name) {
  return children(stack.pid)
    .filter((p) => argv0(p).endsWith(`/cgi-bin/${name}`) || argv0(p).endsWith(`/libexec/${name}`))
    .sort((a, b) => a - b);
}

// {rssKb, peakKb} of a process (VmRSS and VmHWM), or null when it is gone.
export function memoryKb(pid) {
  let status;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
  const field = (name) => Number((status.match(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm')) || [])[1]);
  return { rssKb: field('VmRSS'), peakKb: field('VmHWM') };
}
