// An editor's view of `timecraft debug --listen`: @vscode/debugadapter-testsupport's
// DebugClient drives lldb-vscode-16 over the Debug Adapter Protocol, attached to
// the server through `gdb-remote`, as an editor's attach configuration does.
//   node test/dap/attach.mjs PORT PROGRAM FILE LINE
// Sets a breakpoint at FILE:LINE, continues to it, prints the top stack frame as
// "stopped at PATH:LINE", then disconnects (lldb-vscode detaches). Exits non-zero
// with a message on any failure, or when it takes longer than the timeout.
import testsupport from '@vscode/debugadapter-testsupport';

const { DebugClient } = testsupport;
const adapter = process.env.LLDB_VSCODE || '/usr/bin/lldb-vscode-16';
const timeoutMs = 60000;

let dc = null;
function fail(message) {
  console.error(`attach.mjs: ${message}`);
  if (dc) dc.stopAdapter();
  process.exit(1);
}

const [port, program, file, lineText] = process.argv.slice(2);
const line = Number(lineText);
if (!port || !program || !file || !Number.isInteger(line) || line <= 0)
  fail('usage: node attach.mjs PORT PROGRAM FILE LINE');

const watchdog = setTimeout(() => fail(`timed out after ${timeoutMs} ms`), timeoutMs);

// DebugClient spawns RUNTIME EXECUTABLE: env runs the adapter with no argument.
dc = new DebugClient('/usr/bin/env', adapter, 'lldb-vscode', {}, true);
dc.defaultTimeout = 30000;

async function main() {
  await dc.start();
  await dc.initializeRequest({ adapterID: 'lldb-vscode', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
  const initialized = dc.waitForEvent('initialized');
  // lldb-vscode 16 runs attachCommands asynchronously, then polls the process
  // state and fails on the state a process has before it is connected
  // ("process unloaded during launch or attach") when the connection is slow,
  // as on a loaded machine: connect synchronously, then give it back its async
  // mode.
  await dc.attachRequest({
    program,
    attachCommands: [
      'script lldb.debugger.SetAsync(False)',
      `gdb-remote 127.0.0.1:${port}`,
      'script lldb.debugger.SetAsync(True)',
    ],
  });
  await initialized;
  const bps = await dc.setBreakpointsRequest({ source: { path: file }, breakpoints: [{ line }] });
  const bp = bps.body.breakpoints[0];
  if (!bp || !bp.verified) fail(`breakpoint at ${file}:${line} not verified: ${JSON.stringify(bps.body)}`);
  const stopped = dc.waitForEvent('stopped');
  await dc.configurationDoneRequest();
  const event = await stopped;
  if (event.body.reason !== 'breakpoint') fail(`stopped for ${JSON.stringify(event.body)}, not a breakpoint`);
  const trace = await dc.stackTraceRequest({ threadId: event.body.threadId, startFrame: 0, levels: 1 });
  const top = trace.body.stackFrames[0];
  if (!top || !top.source || !top.source.path) fail(`no source in the top frame: ${JSON.stringify(trace.body)}`);
  console.log(`stopped at ${top.source.path}:${top.line}`);
  // lldb-vscode detaches (the server's session ends) and answers; DebugClient's
  // stop() would send a second disconnect that an adapter gone no longer answers,
  // so end the adapter the way stop() does after its disconnect.
  await dc.disconnectRequest({ terminateDebuggee: false });
  dc.stopAdapter();
}

main().then(
  () => {
    clearTimeout(watchdog);
    process.exit(0);
  },
  (e) => fail(e && e.message ? e.message : String(e)),
);
