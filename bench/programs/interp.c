/* interp: a bytecode interpreter loop (switch dispatch over a small stack
   machine) running an LCG/branching program. Work size: argv[1] = "quick" or
   the loop count of the interpreted program. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long size_arg(int argc, char **argv, long full, long quick) {
    if (argc < 2) return full;
    return strcmp(argv[1], "quick") == 0 ? quick : atol(argv[1]);
}

enum { PUSH, LOAD, STORE, ADD, SUB, MUL, XOR, AND, SHR, LT, DUP, JZ, JMP, CALL, RET, HALT };

static uint32_t code[256];
static int pc_end;
static void emit(uint32_t op) { code[pc_end++] = op; }
static void emit2(uint32_t op, uint32_t arg) { emit(op); emit(arg); }

static uint32_t run(const uint32_t *prog, uint32_t *reg) {
    uint32_t stack[64], rstack[16];
    int sp = 0, rsp = 0, pc = 0;
    for (;;) {
        switch (prog[pc++]) {
        case PUSH:  stack[sp++] = prog[pc++]; break;
        case LOAD:  stack[sp++] = reg[prog[pc++]]; break;
        case STORE: reg[prog[pc++]] = stack[--sp]; break;
        case ADD:   sp--; stack[sp - 1] += stack[sp]; break;
        case SUB:   sp--; stack[sp - 1] -= stack[sp]; break;
        case MUL:   sp--; stack[sp - 1] *= stack[sp]; break;
        case XOR:   sp--; stack[sp - 1] ^= stack[sp]; break;
        case AND:   sp--; stack[sp - 1] &= stack[sp]; break;
        case SHR:   stack[sp - 1] >>= prog[pc++] & 31; break;
        case LT:    sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
        case DUP:   stack[sp] = stack[sp - 1]; sp++; break;
        case JZ:    if (stack[--sp] == 0) pc = (int)prog[pc]; else pc++; break;
        case JMP:   pc = (int)prog[pc]; break;
        case CALL:  rstack[rsp++] = (uint32_t)pc + 1; pc = (int)prog[pc]; break;
        case RET:   pc = (int)rstack[--rsp]; break;
        case HALT:  return reg[3];
        default:    return 0xdeadbeef;
        }
    }
}

int main(int argc, char **argv) {
    uint32_t reg[8] = {0, (uint32_t)size_arg(argc, argv, 4000000, 400000), 1, 0, 0};
    /* registers: 0 i, 1 n, 2 lcg state, 3 sum, 4 x */
    int loop = pc_end;
    emit2(LOAD, 0); emit2(LOAD, 1); emit(LT); emit(JZ); int jz_end = pc_end; emit(0);
    emit(CALL); int call_lcg = pc_end; emit(0);
    emit2(SHR, 16); emit2(PUSH, 0x7fff); emit(AND); emit2(STORE, 4);
    emit2(LOAD, 3); emit2(LOAD, 4); emit2(LOAD, 0); emit(XOR); emit(ADD); emit2(STORE, 3);
    emit2(LOAD, 4); emit2(PUSH, 1); emit(AND); emit(JZ); int jz_else = pc_end; emit(0);
    emit2(LOAD, 3); emit2(PUSH, 3); emit(ADD); emit2(STORE, 3); emit(JMP); int jmp_next = pc_end; emit(0);
    code[jz_else] = (uint32_t)pc_end;
    emit2(LOAD, 3); emit2(PUSH, 1); emit(SUB); emit2(STORE, 3);
    code[jmp_next] = (uint32_t)pc_end;
    emit2(LOAD, 0); emit2(PUSH, 1); emit(ADD); emit2(STORE, 0); emit2(JMP, (uint32_t)loop);
    code[jz_end] = (uint32_t)pc_end;
    emit(HALT);
    code[call_lcg] = (uint32_t)pc_end; /* lcg: state = state * a + c; leaves state on the stack */
    emit2(LOAD, 2); emit2(PUSH, 1103515245u); emit(MUL); emit2(PUSH, 12345); emit(ADD);
    emit(DUP); emit2(STORE, 2); emit(RET);

    uint32_t sum = run(code, reg);
    printf("checksum: %u %u\n", sum, reg[2]);
    return 0;
}
