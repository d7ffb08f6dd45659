-- Weir's Wireshark dissectors (Lua, Wireshark 3.6 and later): Beaver's gateway
-- encapsulation and its in-group snapshot id, Pegasus's header, and Capybara's migration
-- messages (UDP port 7300), shown by name.
--
-- Install: copy this file into Wireshark's personal plugin folder
--   (Linux: ~/.local/lib/wireshark/plugins/; see Help > About Wireshark > Folders),
-- or load it for one run: tshark -X lua_script:tools/wireshark/weir.lua -r capture.pcap
--
-- Both protocols use UDP port 12345: a Beaver gateway sends from 12345 to the backend
-- port (9000 by default), Pegasus's clients, switch and servers from 12345 to 12345. The
-- dispatcher below tells them apart by the ports.

-- Beaver: the gateway's 46 bytes (outer Ethernet, IPv4, UDP, then the 4-byte snapshot id)
-- in front of the client's frame.
local beaver = Proto("beaver", "Beaver gateway encapsulation")
local f_ssid = ProtoField.uint32("beaver.ssid", "Snapshot id", base.DEC)
beaver.fields = { f_ssid }
local eth = Dissector.get("eth_withoutfcs")

function beaver.dissector(buf, pinfo, tree)
  if buf:len() < 4 then return 0 end
  local t = tree:add(beaver, buf(0, 4))
  t:add(f_ssid, buf(0, 4))
  local ssid = buf(0, 4):uint()
  eth:call(buf(4):tvb(), pinfo, tree)
  pinfo.cols.protocol:prepend("Beaver/")
  pinfo.cols.info:prepend("[snapshot " .. ssid .. "] ")
  return buf:len()
end

-- Beaver's in-group id: in-group traffic carries the id's low 14 bits in ToS (low 8) and
-- TTL (high 6, above a 2-bit hop budget). Shown for IPv4 packets from the group prefix.
local ingroup = Proto("beaver_ingroup", "Beaver in-group snapshot id")
local f_ingroup = ProtoField.uint16("beaver.ingroup_id", "In-group snapshot id (ToS + (TTL >> 2) * 256)", base.DEC)
ingroup.fields = { f_ingroup }
ingroup.prefs.group = Pref.string("In-group prefix", "10.1.0.0/16", "The backends' addresses, as PREFIX/LEN")
local ip_src = Field.new("ip.src")
local ip_dsfield = Field.new("ip.dsfield")
local ip_ttl = Field.new("ip.ttl")

local function ipv4_number(text)
  local a, b, c, d = string.match(text, "^(%d+)%.(%d+)%.(%d+)%.(%d+)$")
  if not a then return nil end
  return ((tonumber(a) * 256 + tonumber(b)) * 256 + tonumber(c)) * 256 + tonumber(d)
end

local function in_group(address)
  local prefix, len = string.match(ingroup.prefs.group, "^([%d%.]+)/(%d+)$")
  local p, a = prefix and ipv4_number(prefix), ipv4_number(address)
  if not p or not a then return false end
  local span = 2 ^ (32 - tonumber(len))
  return math.floor(a / span) == math.floor(p / span)
end

function ingroup.dissector(buf, pinfo, tree)
  local src, ds, ttl = ip_src(), ip_dsfield(), ip_ttl()  -- the outermost IPv4 header
  if not src or not ds or not ttl then return end
  if not in_group(tostring(src.value)) then return end
  local id = ds.value + math.floor(ttl.value / 4) * 256
  tree:add(ingroup):add(f_ingroup, id):set_generated()
end
register_postdissector(ingroup)

-- Pegasus: a 20-byte header, then the value.
local pegasus = Proto("pegasus", "Pegasus")
local ops = { [0] = "GET", [1] = "PUT", [2] = "DEL", [3] = "REP_R", [4] = "REP_W", [5] = "RC_REQ", [6] = "RC_ACK", [7] = "PUT_FWD" }
local identifiers = { [0x5047] = "P4 program", [0x1573] = "software switch" }
local f = {
  identifier = ProtoField.uint16("pegasus.identifier", "Identifier", base.HEX, identifiers),
  op = ProtoField.uint8("pegasus.op", "Operation", base.DEC, ops),
  keyhash = ProtoField.uint32("pegasus.keyhash", "Key hash", base.DEC),
  client_id = ProtoField.uint8("pegasus.client_id", "Client id", base.DEC),
  server_id = ProtoField.uint8("pegasus.server_id", "Server id", base.DEC),
  load = ProtoField.uint16("pegasus.load", "Load", base.DEC),
  ver = ProtoField.uint32("pegasus.ver", "Version", base.DEC),
  bitmap = ProtoField.uint32("pegasus.bitmap", "Replica set (bitmap)", base.HEX),
  request_id = ProtoField.uint8("pegasus.request_id", "Request id", base.DEC),
  value = ProtoField.bytes("pegasus.value", "Value"),
}
pegasus.fields = { f.identifier, f.op, f.keyhash, f.client_id, f.server_id, f.load, f.ver, f.bitmap, f.request_id, f.value }

function pegasus.dissector(buf, pinfo, tree)
  if buf:len() < 20 then return 0 end
  pinfo.cols.protocol = "Pegasus"
  local t = tree:add(pegasus, buf())
  t:add(f.identifier, buf(0, 2))
  t:add(f.op, buf(2, 1))
  t:add(f.keyhash, buf(3, 4))
  t:add(f.client_id, buf(7, 1))
  t:add(f.server_id, buf(8, 1))
  t:add(f.load, buf(9, 2))
  t:add(f.ver, buf(11, 4))
  t:add(f.bitmap, buf(15, 4))
  t:add(f.request_id, buf(19, 1))
  if buf:len() > 20 then t:add(f.value, buf(20)) end
  local op = ops[buf(2, 1):uint()] or "?"
  pinfo.cols.info = string.format("%s key %d client %d request %d ver %d", op, buf(3, 4):uint(), buf(7, 1):uint(),
    buf(19, 1):uint(), buf(11, 4):uint())
  return buf:len()
end

-- UDP port 12345: Pegasus when both ports are 12345, else Beaver's encapsulation.
local weir = Proto("weir", "Weir dispatcher (Beaver or Pegasus on UDP 12345)")
function weir.dissector(buf, pinfo, tree)
  if pinfo.src_port == 12345 and pinfo.dst_port == 12345 then return pegasus.dissector(buf, pinfo, tree) end
  return beaver.dissector(buf, pinfo, tree)
end
DissectorTable.get("udp.port"):add(12345, weir)

-- Capybara: the migration agents' messages on UDP port 7300 (impl/packet, capybara).
local capybara = Proto("capybara", "Capybara migration")
local stages = { [1] = "PREPARE", [2] = "PREPARE_ACK", [3] = "CONNECTION_STATE", [4] = "STATE_ACK" }
local c = {
  magic = ProtoField.uint32("capybara.magic", "Magic", base.HEX),
  stage = ProtoField.uint8("capybara.stage", "Stage", base.DEC, stages),
  load = ProtoField.bool("capybara.load", "LOAD", 8, nil, 0x01),
  migration = ProtoField.uint32("capybara.migration", "Migration", base.DEC),
  client = ProtoField.ipv4("capybara.client", "Client address"),
  client_port = ProtoField.uint16("capybara.client_port", "Client port", base.DEC),
  service_port = ProtoField.uint16("capybara.service_port", "Service port", base.DEC),
  send_seq = ProtoField.uint32("capybara.send_seq", "Send queue sequence", base.DEC),
  recv_seq = ProtoField.uint32("capybara.recv_seq", "Receive queue sequence", base.DEC),
  mss = ProtoField.uint16("capybara.mss", "MSS", base.DEC),
  unsent = ProtoField.uint32("capybara.unsent", "Never-sent bytes", base.DEC),
  send_queue = ProtoField.uint32("capybara.send_queue", "Send queue bytes", base.DEC),
  recv_queue = ProtoField.uint32("capybara.recv_queue", "Receive queue bytes", base.DEC),
}
capybara.fields = { c.magic, c.stage, c.load, c.migration, c.client, c.client_port, c.service_port, c.send_seq, c.recv_seq,
  c.mss, c.unsent, c.send_queue, c.recv_queue }

function capybara.dissector(buf, pinfo, tree)
  if buf:len() < 20 or buf(0, 4):uint() ~= 0xCAFEDEAD then return 0 end
  pinfo.cols.protocol = "Capybara"
  local t = tree:add(capybara, buf())
  t:add(c.magic, buf(0, 4))
  t:add(c.stage, buf(4, 1))
  t:add(c.load, buf(5, 1))
  t:add(c.migration, buf(8, 4))
  t:add(c.client, buf(12, 4))
  t:add(c.client_port, buf(16, 2))
  t:add(c.service_port, buf(18, 2))
  local stage = stages[buf(4, 1):uint()] or "?"
  local info = string.format("%s migration %d of %s:%d", stage, buf(8, 4):uint(), tostring(buf(12, 4):ipv4()), buf(16, 2):uint())
  if buf(4, 1):uint() == 2 then
    if bit.band(buf(5, 1):uint(), 1) == 1 then info = info .. " LOAD" else info = info .. " (refused)" end
  end
  if buf(4, 1):uint() == 3 and buf:len() >= 72 then
    t:add(c.send_seq, buf(20, 4))
    t:add(c.recv_seq, buf(24, 4))
    t:add(c.mss, buf(28, 2))
    t:add(c.unsent, buf(58, 4))
    t:add(c.send_queue, buf(64, 4))
    t:add(c.recv_queue, buf(68, 4))
    info = info .. string.format(" send queue %d (unsent %d) receive queue %d", buf(64, 4):uint(), buf(58, 4):uint(),
      buf(68, 4):uint())
  end
  pinfo.cols.info = info
  return buf:len()
end
DissectorTable.get("udp.port"):add(7300, capybara)
