// The floor: the ten-line Node proxy everyone writes first. Usage: naive-proxy.ts LISTEN_PORT BACKEND_PORT
import net from 'node:net';

const [listenPort, backendPort] = process.argv.slice(2).map(Number);
net.createServer((client) => {
  const upstream = net.connect(backendPort ?? 0, '127.0.0.1');
  client.on('error', () => upstream.destroy());
  upstream.on('error', () => client.destroy());
  client.pipe(upstream).pipe(client);
}).listen(listenPort, '127.0.0.1');
