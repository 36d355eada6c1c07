#!/usr/bin/env python3
"""The membrane propagator's accuracy, as quoted in Sources/Kernel/Relaxation.swift: relaxationPhi
evaluated exactly as the kernel does (Estrin with fused multiply-adds, each fma rounded once via
exact rationals) against mpmath, and one exponential-Euler step V' = V + phi*((dt/C)J - x V)
against the exact relaxation J/G + (V - J/G)exp(-G dt/C).

  /work/peers-venv/bin/python scripts/check-propagator.py   (needs mpmath)
"""
from fractions import Fraction as F
import mpmath, random
mpmath.mp.dps = 40
def fma(a,b,c): return float(F(a)*F(b)+F(c))
c=[float.fromhex(h) for h in ["0x1.0000000000000p+0","-0x1.fffffffffffbfp-2","0x1.5555555553d17p-3","-0x1.55555554e3ee5p-5","0x1.111110ffead23p-7","-0x1.6c16be5b72e81p-10","0x1.a019a88a4376ep-13","-0x1.a01353df3c6f0p-16","0x1.71884cf365d5ap-19","-0x1.25048a582d845p-22","0x1.8e96f892718cbp-26","-0x1.6b6de66c0cdc9p-30"]]
def phi(x):
    x2=x*x; x4=x2*x2; x8=x4*x4
    p=[fma(c[2*i+1],x,c[2*i]) for i in range(6)]
    q0=fma(p[1],x2,p[0]); q1=fma(p[3],x2,p[2]); q2=fma(p[5],x2,p[4])
    return fma(q2,x8,fma(q1,x4,q0))
random.seed(1)
worst=0
for k in range(40000):
    x=random.random() if k>1 else float(k)
    ex = 1 if x==0 else -mpmath.expm1(-x)/x
    worst=max(worst, abs((mpmath.mpf(phi(x))-ex)/ex))
print("phi: worst relative error on [0, 1]", float(worst))
# V' error
C=200.0; dt=0.1; gL=10.0; EL=-60.0; EA=0.0; EG=-80.0
worstv=0
for k in range(20000):
    ga=random.uniform(0,200); gg=random.uniform(0,200); v0=random.uniform(-80,-50)
    dtC=dt/C; xL=gL*dtC; j0=(gL*EL)*dtC; eA=EA*dtC; eG=EG*dtC
    jd=fma(gg,eG,fma(ga,eA,j0)); x=fma(ga+gg,dtC,xL)
    ph=phi(x); vn=fma(ph,fma(-x,v0,jd),v0)
    G=mpmath.mpf(gL)+ga+gg; J=mpmath.mpf(gL)*EL+mpmath.mpf(ga)*EA+mpmath.mpf(gg)*EG
    vi=J/G; exact=vi+(v0-vi)*mpmath.exp(-G*dt/C)
    worstv=max(worstv, abs(vn-exact))
print("V': worst absolute error [mV], G 10-410 nS, C 200 pF, dt 0.1 ms", float(worstv))
