#!/usr/bin/env python3
"""The accuracy quoted in Sources/Kernel/Relaxation.swift and KernelExp.swift, each function
evaluated exactly as the kernel does (Estrin's scheme with fused multiply-adds, each fma rounded
once via exact rationals) against mpmath: relaxationPhi, one exponential-Euler step
V' = V + phi*((dt/C)J - x V) against the exact relaxation J/G + (V - J/G)exp(-G dt/C), and
kernelExp.

  /work/peers-venv/bin/python scripts/check-propagator.py   (needs mpmath)
"""
from fractions import Fraction as F
import mpmath, random
mpmath.mp.dps = 40
def fma(a,b,c): return float(F(a)*F(b)+F(c))
c=[float.fromhex(h) for h in ["0x1.0000000000000p+0", "-0x1.ffffffffffeefp-2", "0x1.555555554c832p-3",
    "-0x1.55555551cc379p-5", "0x1.111110589fe36p-7", "-0x1.6c16962d6271ap-10", "0x1.a013d18d84387p-13",
    "-0x1.9f8d22848c183p-16", "0x1.6a3c1963299dcp-19", "-0x1.d823af61bbfc6p-23"]]
MAX_X = 0.5   # relaxationMaxX
def phi(x):
    """relaxationPhi: degree 9, Estrin's scheme with fused multiply-adds."""
    x2=x*x; x4=x2*x2; x8=x4*x4
    p=[fma(c[2*i+1],x,c[2*i]) for i in range(5)]
    q0=fma(p[1],x2,p[0]); q1=fma(p[3],x2,p[2])
    return fma(p[4],x8,fma(q1,x4,q0))
random.seed(1)
worst=0
for k in range(40000):
    x=MAX_X*random.random() if k>1 else MAX_X*k
    ex = 1 if x==0 else -mpmath.expm1(-x)/x
    worst=max(worst, abs((mpmath.mpf(phi(x))-ex)/ex))
print("phi: worst relative error on [0, %g]" % MAX_X, float(worst))
# V' error
C=200.0; dt=0.1; gL=10.0; EL=-60.0; EA=0.0; EG=-80.0
worstv=0
for k in range(20000):
    ga=random.uniform(0,190); gg=random.uniform(0,190); v0=random.uniform(-80,-50)   # x = G dt/C <= 0.5
    dtC=dt/C; xL=gL*dtC; j0=(gL*EL)*dtC; eA=EA*dtC; eG=EG*dtC
    jd=fma(gg,eG,fma(ga,eA,j0)); x=fma(ga+gg,dtC,xL)
    ph=phi(x); vn=fma(ph,fma(-x,v0,jd),v0)
    G=mpmath.mpf(gL)+ga+gg; J=mpmath.mpf(gL)*EL+mpmath.mpf(ga)*EA+mpmath.mpf(gg)*EG
    vi=J/G; exact=vi+(v0-vi)*mpmath.exp(-G*dt/C)
    worstv=max(worstv, abs(vn-exact))
print("V': worst absolute error [mV], G 10-390 nS, C 200 pF, dt 0.1 ms", float(worstv))

# kernelExp (Sources/Kernel/KernelExp.swift), as the kernel evaluates it.
import struct
def bits(x): return struct.unpack('<Q', struct.pack('<d', x))[0]
def from_bits(b): return struct.unpack('<d', struct.pack('<Q', b % (1 << 64)))[0]
INV_LN2 = float.fromhex('0x1.71547652b82fep0'); LN2_HI = float.fromhex('0x1.62e42fefa3800p-1')
LN2_LO = float.fromhex('0x1.ef35793c76730p-45'); SHIFT = float.fromhex('0x1.8p52')
ce = [float.fromhex(h) for h in ['0x1.0000000000001p-1', '0x1.5555555555556p-3', '0x1.5555555553d68p-5',
      '0x1.11111111109b5p-7', '0x1.6c16c17889ef1p-10', '0x1.a01a01a7c2efep-13', '0x1.a019b9149a41cp-16',
      '0x1.71de0db2f6b19p-19', '0x1.28917c89a43a7p-22', '0x1.af389ecfc4b9cp-26']]
def kernel_exp(x0):
    x = min(max(x0, -708.0), 709.0)
    z = x * INV_LN2 + SHIFT
    k = z - SHIFT
    r = (x - k * LN2_HI) - k * LN2_LO
    r2 = r * r; r4 = r2 * r2; r8 = r4 * r4
    q = [fma(ce[2 * i + 1], r, ce[2 * i]) for i in range(5)]
    qq = fma(q[4], r8, fma(fma(q[3], r2, q[2]), r4, fma(q[1], r2, q[0])))
    e = 1 + fma(r2, qq, r)
    return from_bits(bits(e) + (bits(z) << 52))
worste = 0
for k in range(80000):
    x = random.uniform(-10, 10) if k % 2 == 0 else random.uniform(-708, 709)
    exact = mpmath.exp(x)
    ulp = mpmath.mpf(2) ** (mpmath.floor(mpmath.log(exact, 2)) - 52)
    worste = max(worste, abs(kernel_exp(x) - exact) / ulp)
print("kernelExp: worst error [ulp of the exact value], [-708, 709] and [-10, 10]", float(worste))
