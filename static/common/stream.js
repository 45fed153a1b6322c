/* The live stream client for every page: hello with cursors, acknowledgements, resync, ping/pong,
   reconnection with exponential backoff and jitter, and a watchdog for a silent connection.
   Frames are handled one after another, in the order they arrive. The protocol is in docs/streams.md. */

const SILENCE_MS = 75000; // no frame, not even a ping, for this long: the connection is dead

/* `lane` names who is connecting ("field" for tablets): the app ignores it; a deploy's proxy may send
   each lane to processes of its own, so a storm of returning tablets never slows the board
   (deploy/nginx.conf). */
function streamUrl(lane) {
  const base = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws/v1/stream/`;
  return lane ? `${base}?lane=${encodeURIComponent(lane)}` : base;
}

/**
 * options:
 *  cursors(): {stream: seq} to resume from (may be async); device(): the tablet's id or null;
 *  canConnect(): false while signed out, locked or offline; ackDelay: ms to batch acks (0: at once);
 *  onWelcome(frame), onEvent(frame) (return false to leave it unacknowledged), onResync(frame),
 *  onLive(live), onClose(code): return true when the close ends the stream for good (signed out);
 *  lane: who connects ("field" for tablets), for a proxy that routes lanes to their own processes.
 */
export function streamClient(options) {
  const o = { ackDelay: 0, canConnect: () => true, device: () => null, ...options };
  const client = { socket: null, live: false, attempts: 0, lastMessageAt: 0, stopped: false, connect, disconnect, stop };
  let retryTimer = null;
  let ackTimer = null;
  let queue = Promise.resolve();
  const unacked = new Map();

  function send(socket, frame) {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
  }

  function flushAcks() {
    ackTimer = null;
    for (const [stream, seq] of unacked) send(client.socket, { type: "ack", stream, seq });
    unacked.clear();
  }

  function ack(stream, seq) {
    unacked.set(stream, Math.max(unacked.get(stream) || 0, seq));
    if (!o.ackDelay) flushAcks();
    else if (!ackTimer) ackTimer = setTimeout(flushAcks, o.ackDelay);
  }

  function setLive(live) {
    if (client.live === live) return;
    client.live = live;
    if (o.onLive) o.onLive(live);
  }

  async function handle(socket, frame) {
    if (frame.type === "welcome") {
      client.attempts = 0;
      setLive(true);
      if (o.onWelcome) await o.onWelcome(frame);
    } else if (frame.type === "event") {
      if ((await o.onEvent(frame)) !== false && socket === client.socket) ack(frame.stream, frame.seq);
    } else if (frame.type === "resync") {
      if (o.onResync) await o.onResync(frame);
    } else if (frame.type === "ping") {
      send(socket, { type: "pong" });
    }
  }

  function connect() {
    if (client.stopped || !o.canConnect()) return;
    if (client.socket && client.socket.readyState <= WebSocket.OPEN) return;
    clearTimeout(retryTimer);
    const socket = new WebSocket(streamUrl(o.lane));
    client.socket = socket;
    socket.onopen = async () => {
      const hello = { type: "hello", cursors: await o.cursors() };
      const device = o.device();
      if (device) hello.device = device;
      send(socket, hello);
    };
    socket.onmessage = (message) => {
      client.lastMessageAt = Date.now();
      let frame;
      try { frame = JSON.parse(message.data); } catch (error) { return; }
      queue = queue.then(() => handle(socket, frame)).catch(() => {});
    };
    socket.onclose = (event) => {
      if (client.socket !== socket) return;
      client.socket = null;
      setLive(false);
      if (o.onClose && o.onClose(event.code)) return;
      if (client.stopped || !o.canConnect()) return;
      const base = Math.min(30000, 1000 * 2 ** client.attempts);
      client.attempts += 1;
      retryTimer = setTimeout(connect, base / 2 + Math.random() * (base / 2)); // jitter: not every screen at once
    };
  }

  /** Close this connection; the next connect() (or a timer) opens a new one. */
  function disconnect() {
    if (client.socket) client.socket.close();
  }

  /** Close for good (signed out, revoked, refused). */
  function stop() {
    client.stopped = true;
    clearTimeout(retryTimer);
    disconnect();
  }

  setInterval(() => {
    if (client.live && client.lastMessageAt && Date.now() - client.lastMessageAt > SILENCE_MS) disconnect();
  }, 5000);

  return client;
}
