// A minimal stand-in for TikTok on loopback for the benchmark: reads each body, answers { code: 0 }. It runs in its
// own process (pinned to the other core when taskset is available) so the figures measure the destination, not it.
const http = require('http')

let requests = 0
let bytes = 0
const reply = JSON.stringify({ code: 0, message: 'OK', request_id: 'bench', data: {} })
const server = http.createServer((req, res) => {
  req.on('data', (chunk) => (bytes += chunk.length))
  req.on('end', () => {
    requests++
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(reply) })
    res.end(reply)
  })
})
server.keepAliveTimeout = 60_000
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }))
process.on('message', (m) => {
  if (m === 'stats') process.send({ requests, bytes })
  if (m === 'stop') server.close(() => process.exit(0))
})
