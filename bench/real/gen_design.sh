#!/usr/bin/env bash
# Writes a generated Verilog design for the yosys row of bench/real.sh:
# N pipelined multiply-accumulate lanes with a mux tree and an FSM.
#   bench/real/gen_design.sh N > design.v
set -eu
n=${1:-8}
echo "module top(input clk, input rst, input [15:0] a, input [15:0] b, input [2:0] sel, output reg [31:0] y);"
for ((i = 0; i < n; i++)); do
  echo "  reg [31:0] acc$i; reg [15:0] ra$i, rb$i;"
  echo "  always @(posedge clk) if (rst) begin acc$i <= 0; ra$i <= 0; rb$i <= 0; end"
  echo "    else begin ra$i <= a ^ 16'd$((i * 7919 % 65536)); rb$i <= b + 16'd$i; acc$i <= acc$i + ra$i * rb$i + (acc$i >> $((i % 5 + 1))); end"
done
echo "  reg [2:0] st;"
echo "  always @(posedge clk) if (rst) st <= 0; else case (st)"
for ((i = 0; i < 7; i++)); do echo "    3'd$i: st <= sel[$((i % 3))] ? 3'd$(((i + 1) % 8)) : 3'd$(((i + 3) % 8));"; done
echo "    default: st <= 0;"
echo "  endcase"
echo "  always @(posedge clk) case (st ^ sel)"
for ((i = 0; i < 8; i++)); do echo "    3'd$i: y <= acc$((i % n)) ^ acc$(((i * 3 + 1) % n));"; done
echo "  endcase"
echo "endmodule"
