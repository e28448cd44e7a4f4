// The sandbox's DynamoDB: dynalite, in memory, on a free port of 127.0.0.1. Prints "port N" once
// it listens, and exits when its standard input closes - that is, when the sandbox that started it
// exits, however it exits (a SIGKILLed JVM runs no shutdown hook).
const dynalite = require('dynalite')

const server = dynalite({ createTableMs: 100, deleteTableMs: 100, updateTableMs: 100 })
server.listen(0, '127.0.0.1', () => console.log(`port ${server.address().port}`))
process.stdin.on('end', () => process.exit(0))
process.stdin.on('error', () => process.exit(0))
process.stdin.resume()
