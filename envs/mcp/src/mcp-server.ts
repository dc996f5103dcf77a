import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ActionError, WorkgymError, type ToolSpec } from '@workgym/protocol';

/** How to start an MCP server over stdio: the program, its arguments and its working folder. */
export interface McpServerCommand {
  command: string;
  args: readonly string[];
  cwd: string;
}

/** An MCP server that did not start, or whose tools cannot be env tools. */
export class McpServerError extends WorkgymError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('WORKGYM_MCP_SERVER', message, options);
  }
}

/** What one MCP tool call gave back: its text content, and whether the server called it an error. */
export interface McpToolResult {
  /** The text, cut at MAX_RESULT_CHARS (saying so). */
  text: string;
  /** The byte size of the text before any cut. */
  rawSize: number;
  isError: boolean;
}

/** A result longer than this is cut: an observation is a model's input, and a frame has a size limit. */
export const MAX_RESULT_CHARS = 100_000;

/** How long the server may take to start and answer `initialize` and `tools/list`. */
const START_TIMEOUT_MS = 30_000;
/** How long one tool call may take. */
const CALL_TIMEOUT_MS = 60_000;
/** Server stderr kept for the error of a server that fails to start. */
const STDERR_TAIL = 2_000;
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/**
 * One running MCP server, spoken to with the official SDK client over stdio. The server's
 * environment is fixed (PATH, HOME, LANG), so nothing of the env server's leaks into it.
 */
export class McpServer {
  private constructor(
    private readonly client: Client,
    readonly tools: readonly ToolSpec[],
  ) {}

  /** Starts the server and lists its tools; one clear McpServerError when either fails. */
  static async start(server: McpServerCommand): Promise<McpServer> {
    // The SDK loads with the first server, not with the env (whose catalogue every CLI command reads).
    const [{ Client }, { StdioClientTransport }] = await Promise.all([
      import('@modelcontextprotocol/sdk/client/index.js'),
      import('@modelcontextprotocol/sdk/client/stdio.js'),
    ]);
    const transport = new StdioClientTransport({
      command: server.command,
      args: [...server.args],
      cwd: server.cwd,
      env: { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: server.cwd, LANG: 'C.UTF-8' },
      stderr: 'pipe',
    });
    let stderr = '';
    transport.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-STDERR_TAIL)));
    const client = new Client({ name: 'workgym', version: '0.1.0' });
    try {
      await client.connect(transport, { timeout: START_TIMEOUT_MS });
      const listed = await client.listTools(undefined, { timeout: START_TIMEOUT_MS });
      return new McpServer(client, listed.tools.map(toolSpec));
    } catch (error) {
      await client.close().catch(() => undefined);
      const said = stderr.trim() ? `; it said: ${stderr.trim().split('\n').slice(-5).join(' | ')}` : '';
      const why = error instanceof McpServerError ? error.message : (error as Error).message;
      throw new McpServerError(`the MCP server ${[server.command, ...server.args].join(' ')} did not start: ${why}${said}`, { cause: error });
    }
  }

  /** Calls a tool; its text content comes back, and an MCP tool error is marked as such. */
  async call(name: string, args: Record<string, unknown>, signal: AbortSignal): Promise<McpToolResult> {
    let result: Awaited<ReturnType<Client['callTool']>>;
    try {
      result = await this.client.callTool({ name, arguments: args }, undefined, { signal, timeout: CALL_TIMEOUT_MS });
    } catch (error) {
      if (signal.aborted) throw error;
      // The server refused the call at the protocol level (bad arguments, unknown tool, a crash).
      throw new ActionError('tool_error', `${name}: ${(error as Error).message}`);
    }
    const content = Array.isArray(result.content) ? (result.content as { type: string; text?: string; mimeType?: string }[]) : [];
    const text = content.map((c) => (c.type === 'text' ? (c.text ?? '') : `[${c.type} content${c.mimeType ? ` (${c.mimeType})` : ''} not shown]`)).join('\n');
    const cut = text.length > MAX_RESULT_CHARS ? `${text.slice(0, MAX_RESULT_CHARS)}\n[... cut: ${text.length - MAX_RESULT_CHARS} more characters]` : text;
    return { text: cut, rawSize: Buffer.byteLength(text), isError: result.isError === true };
  }

  /** Ends the server process (the SDK closes its stdin, then signals it). */
  async close(): Promise<void> {
    await this.client.close();
  }
}

/**
 * An MCP tool as an env tool: its input JSON Schema passed through, less `$schema` (MCP servers
 * often name draft-07, which the protocol's 2020-12 validator does not load; the keywords such
 * schemas use read the same in both).
 */
function toolSpec(tool: { name: string; description?: string; inputSchema: Record<string, unknown> }): ToolSpec {
  if (!TOOL_NAME.test(tool.name)) throw new McpServerError(`its tool ${JSON.stringify(tool.name)} has a name workgym tools cannot have (${TOOL_NAME})`);
  const { $schema: _ignored, ...schema } = tool.inputSchema;
  return { name: tool.name, description: tool.description || tool.name, parametersJson: JSON.stringify(schema) };
}
