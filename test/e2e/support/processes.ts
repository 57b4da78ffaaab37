// Child processes of the e2e control plane that are always torn down: each runs in its own process group,
// is killed as a group on stop, on SIGINT/SIGTERM and on exit of this process, and a detached watchdog
// shell kills them (and removes their run directory) if this process dies without running any handler
// (SIGKILL, OOM). Nothing here knows about Kubernetes.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync } from 'node:fs';

export interface Managed {
  name: string;
  child: ChildProcess;
  logPath: string;
  /** Resolves with the exit code (or signal) once the process has exited. */
  exited: Promise<string>;
}

const live = new Set<Managed>();
const dirsToRemove = new Set<string>();
let handlersInstalled = false;

function killGroup(m: Managed, signal: NodeJS.Signals): void {
  if (m.child.pid === undefined || m.child.exitCode !== null || m.child.signalCode !== null) return;
  try {
    process.kill(-m.child.pid, signal);
  } catch {
    // already gone
  }
}

/** Synchronous last-chance teardown: used from 'exit' and signal handlers, where nothing async runs. */
function killAllNow(): void {
  for (const m of live) killGroup(m, 'SIGKILL');
  live.clear();
  for (const dir of dirsToRemove) rmSync(dir, { recursive: true, force: true });
  dirsToRemove.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  killAllNow();
  process.removeListener(signal, onSignal);
  // Leave the signal's usual effect to whoever else listens (e.g. vitest); otherwise die of it.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', killAllNow);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
}

/** Removes `dir` on teardown, including the last-chance paths. */
export function removeOnExit(dir: string): void {
  installHandlers();
  dirsToRemove.add(dir);
}

export function forgetDir(dir: string): void {
  dirsToRemove.delete(dir);
}

/** Starts `command` in its own process group with stdout+stderr appended to `logPath`. */
export function startProcess(name: string, command: string, args: string[], logPath: string, env?: NodeJS.ProcessEnv): Managed {
  installHandlers();
  const fd = openSync(logPath, 'a');
  const child = spawn(command, args, { detached: true, stdio: ['ignore', fd, fd], env: env ?? process.env });
  closeSync(fd);
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => resolve(signal ?? `exit code ${code}`));
    child.once('error', (err) => resolve(`failed to start: ${err.message}`));
  });
  const m: Managed = { name, child, logPath, exited };
  live.add(m);
  void exited.then(() => live.delete(m));
  // The parent's handlers keep the process alive; nothing should wait on the child.
  child.unref();
  return m;
}

/** SIGTERM the group, then SIGKILL after `graceMs`; resolves when the process has exited. */
export async function stopProcess(m: Managed, graceMs = 3000): Promise<void> {
  killGroup(m, 'SIGTERM');
  const timer = setTimeout(() => killGroup(m, 'SIGKILL'), graceMs);
  await m.exited;
  clearTimeout(timer);
  live.delete(m);
}

export function isRunning(m: Managed): boolean {
  return m.child.exitCode === null && m.child.signalCode === null;
}

/** The last `lines` lines of a process's log, for error messages. */
export function logTail(m: Managed, lines = 25): string {
  try {
    return readFileSync(m.logPath, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * A detached shell that outlives this process: once this process is gone it kills the given process groups
 * and removes `dirs` and the directories registered with removeOnExit(). It exits by itself afterwards, and
 * is killed by `stop()` on a normal teardown.
 */
export function startWatchdog(pgids: number[], dirs: string[]): { stop(): void } {
  const script = [
    'parent=$1; dirs=$2; shift 2',
    'while kill -0 "$parent" 2>/dev/null; do sleep 1; done',
    'for g in "$@"; do kill -KILL "-$g" 2>/dev/null; done',
    // dirs is newline-separated; paths here never contain newlines.
    'printf "%s\\n" "$dirs" | while IFS= read -r d; do [ -n "$d" ] && rm -rf "$d"; done',
  ].join('\n');
  // Also every directory registered with removeOnExit (e.g. the e2e run root).
  const allDirs = [...new Set([...dirs, ...dirsToRemove])].join('\n');
  const child = spawn('sh', ['-c', script, 'watchdog', String(process.pid), allDirs, ...pgids.map(String)], {
    detached: true,
    stdio: 'ignore',
  });
  child.unref();
  return {
    stop() {
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    },
  };
}
